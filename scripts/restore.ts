import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configFromProcess } from '../server/config';
import { BackupRefused, restoreDatabase } from '../server/db/backup';
import { CommandRefused, openCommandDatabase } from '../server/db/backup-target';

/**
 * `npm run restore -- FILE [--force]` (compiled: `node dist-server/restore.js FILE`):
 * loads a backup into the database config points at (DATABASE_URL, else DATA_DIR,
 * created when missing), in one transaction. Refuses (exit 2) a target that holds
 * data unless --force, a backup from a newer schema, and a file that is not a
 * complete backup; nothing is changed then. Exit 1 on any other failure.
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean', default: false } } });
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new CommandRefused('usage: npm run restore -- FILE [--force]');
  const path = resolve(file);
  if (!existsSync(path)) throw new CommandRefused(`${path} does not exist`);
  const t0 = performance.now();
  const { db, where } = await openCommandDatabase(configFromProcess(), 'restore');
  try {
    const s = await restoreDatabase(db, path, { force: values.force });
    const migrated = s.migratedTo > s.schemaVersion ? `, then migrated to ${s.migratedTo}` : '';
    console.log(`twinpad restore: ${s.rows} rows in ${s.tables} tables (schema ${s.schemaVersion}${migrated}) from ${path} into ${where} (${Math.round(performance.now() - t0)} ms)`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof CommandRefused || err instanceof BackupRefused) {
      console.error(`twinpad restore: refused: ${err.message}`);
      process.exit(2);
    }
    console.error('twinpad restore: failed:', err);
    process.exit(1);
  },
);
