import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { DataDirBusyError } from './data-dir-lock';
import { hasPGliteImage, pgliteImagePath } from './pglite-image';
import { openPGliteDataDir, openPostgres, type Sql } from './sql';

/**
 * The database the backup and restore commands work on, from config: Postgres
 * (DATABASE_URL) or the PGlite data dir (DATA_DIR). A backup never creates a data
 * dir; a restore creates one (from the start-up image when there is one). A
 * PGlite dir a running server holds is refused with the holder's address: stop
 * the server first.
 */
export async function openCommandDatabase(config: Config, purpose: 'backup' | 'restore'): Promise<{ db: Sql; where: string }> {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    return { db: await openPostgres(config.databaseUrl, { max: 1 }), where: `Postgres ${url.host}${url.pathname}` };
  }
  if (purpose === 'backup' && !existsSync(join(config.dataDir, 'PG_VERSION'))) {
    throw new CommandRefused(`no PGlite database in ${config.dataDir} (set DATA_DIR, or DATABASE_URL for Postgres)`);
  }
  const image = pgliteImagePath();
  try {
    const opened = await openPGliteDataDir(config.dataDir, { image: hasPGliteImage(image) ? image : null });
    return { db: opened.sql, where: `PGlite in ${config.dataDir}` };
  } catch (err) {
    if (err instanceof DataDirBusyError) throw new CommandRefused(`${err.message}; stop that server first`);
    throw err;
  }
}

/** A refusal the command prints as one line, exiting with 2. */
export class CommandRefused extends Error {
  override name = 'CommandRefused';
}
