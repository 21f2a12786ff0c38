import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backupDatabase } from '../server/db/backup';
import { CommandRefused } from '../server/db/backup-target';
import { exitWith, withCommandDatabase } from './db-command';

/**
 * `npm run backup -- --out FILE [--force]` (compiled: `node dist-server/backup.js --out FILE`):
 * writes the database config points at (DATABASE_URL, else DATA_DIR) to FILE as a
 * portable gzip'd JSON-lines dump (server/db/backup.ts). Exit 0 when written,
 * 2 when refused (no database, a PGlite dir a server holds, FILE exists without
 * --force), 1 on any other failure.
 */
async function main(): Promise<string> {
  const { values } = parseArgs({ options: { out: { type: 'string', short: 'o' }, force: { type: 'boolean', default: false } } });
  if (!values.out) throw new CommandRefused('usage: npm run backup -- --out FILE [--force]');
  const out = resolve(values.out);
  if (existsSync(out) && !values.force) throw new CommandRefused(`${out} exists; pass --force to overwrite it`);
  return withCommandDatabase('backup', async (db, where) => {
    const s = await backupDatabase(db, out);
    return `${s.rows} rows in ${s.tables} tables (schema ${s.schemaVersion}) from ${where} written to ${out}`;
  });
}

exitWith('backup', main());
