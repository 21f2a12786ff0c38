import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { restoreDatabase } from '../server/db/backup';
import { CommandRefused } from '../server/db/backup-target';
import { exitWith, withCommandDatabase } from './db-command';

/**
 * `npm run restore -- FILE [--force]` (compiled: `node dist-server/restore.js FILE`):
 * loads a backup into the database config points at (DATABASE_URL, else DATA_DIR,
 * created when missing), in one transaction. Refuses (exit 2) a target that holds
 * data unless --force, a backup from a newer schema, and a file that is not a
 * complete backup; nothing is changed then. Exit 1 on any other failure.
 */
async function main(): Promise<string> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean', default: false } } });
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new CommandRefused('usage: npm run restore -- FILE [--force]');
  const path = resolve(file);
  if (!existsSync(path)) throw new CommandRefused(`${path} does not exist`);
  return withCommandDatabase('restore', async (db, where) => {
    const s = await restoreDatabase(db, path, { force: values.force });
    const migrated = s.migratedTo > s.schemaVersion ? `, then migrated to ${s.migratedTo}` : '';
    return `${s.rows} rows in ${s.tables} tables (schema ${s.schemaVersion}${migrated}) from ${path} into ${where}`;
  });
}

exitWith('restore', main());
