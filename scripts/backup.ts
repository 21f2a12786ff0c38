import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configFromProcess } from '../server/config';
import { backupDatabase, BackupRefused } from '../server/db/backup';
import { CommandRefused, openCommandDatabase } from '../server/db/backup-target';

/**
 * `npm run backup -- --out FILE [--force]` (compiled: `node dist-server/backup.js --out FILE`):
 * writes the database config points at (DATABASE_URL, else DATA_DIR) to FILE as a
 * portable gzip'd JSON-lines dump (server/db/backup.ts). Exit 0 when written,
 * 2 when refused (no database, a PGlite dir a server holds, FILE exists without
 * --force), 1 on any other failure.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string', short: 'o' }, force: { type: 'boolean', default: false } } });
  if (!values.out) throw new CommandRefused('usage: npm run backup -- --out FILE [--force]');
  const out = resolve(values.out);
  if (existsSync(out) && !values.force) throw new CommandRefused(`${out} exists; pass --force to overwrite it`);
  const t0 = performance.now();
  const { db, where } = await openCommandDatabase(configFromProcess(), 'backup');
  try {
    const s = await backupDatabase(db, out);
    console.log(`twinpad backup: ${s.rows} rows in ${s.tables} tables (schema ${s.schemaVersion}) from ${where} written to ${out} (${Math.round(performance.now() - t0)} ms)`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof CommandRefused || err instanceof BackupRefused) {
      console.error(`twinpad backup: refused: ${err.message}`);
      process.exit(2);
    }
    console.error('twinpad backup: failed:', err);
    process.exit(1);
  },
);
