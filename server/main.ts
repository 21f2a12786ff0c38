import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { configFromProcess, type Config } from './config';
import { DataDirBusyError, type DataDirLock } from './db/data-dir-lock';
import { migrate } from './db/migrate';
import { ensurePGliteImage, pgliteImagePath } from './db/pglite-image';
import { openPGliteDataDir, openPostgres, type DataDirOpening, type Sql } from './db/sql';
import { createLogger, timer, type Logger } from './logger';
import { startServer } from './server';

/**
 * Process entry point: parse config once, then build (with `--build`, as `npm
 * start` does), open the database, migrate and serve, one log line per step;
 * shut down cleanly on SIGTERM/SIGINT.
 */
async function buildClient(log: Logger): Promise<void> {
  const done = timer();
  const { build } = await import('vite');
  await build({ logLevel: 'error' });
  log.step('build', 'client bundle written to dist/', done());
}

const openings: Record<DataDirOpening, string> = {
  opened: 'opened the existing PGlite cluster in',
  restored: 'created a new PGlite cluster from the start-up image in',
  initialised: 'created a new PGlite cluster by initdb in',
};

/** The start-up image for a new data dir: made once per machine (normally by postinstall); null when it cannot be. */
async function startupImage(log: Logger): Promise<string | null> {
  const done = timer();
  try {
    const path = pgliteImagePath();
    if ((await ensurePGliteImage(path)) === 'built') log.step('database', `made the PGlite start-up image ${path} (once per machine)`, done());
    return path;
  } catch (err) {
    log.error('database: could not make the PGlite start-up image; running initdb instead', err);
    return null;
  }
}

async function openDb(config: Config, log: Logger): Promise<{ db: Sql; lock: DataDirLock | null }> {
  if (config.databaseUrl) {
    const done = timer();
    const db = await openPostgres(config.databaseUrl);
    log.step('database', 'connected to Postgres', done());
    return { db, lock: null };
  }
  const image = existsSync(join(config.dataDir, 'PG_VERSION')) ? null : await startupImage(log);
  const done = timer();
  const opened = await openPGliteDataDir(config.dataDir, { image });
  log.step('database', `${openings[opened.opening]} ${config.dataDir}`, done());
  return { db: opened.sql, lock: opened.lock };
}

/** `performance.now()` counts from the process's start, so "after start" includes loading the modules. */
async function main(): Promise<void> {
  const config = configFromProcess();
  const log = createLogger(config.logLevel);
  if (process.argv.includes('--build')) await buildClient(log);

  const { db, lock } = await openDb(config, log);
  const migrating = timer();
  const applied = await migrate(db);
  log.step('migrations', applied.length ? `applied ${applied.join(', ')}` : 'schema up to date', migrating());

  const server = await startServer(config, { db });
  const origin = server.ctx.publicOrigin();
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
  lock?.announce({ url, origin });
  const backend = db.backend === 'pglite' ? `PGlite in ${config.dataDir}` : 'Postgres';
  log.ready(`ready: listening on ${url} (${backend}); open ${origin} (${Math.round(performance.now())} ms after start)`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: flushing rooms and shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server
      .close()
      .then(() => db.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error('shutdown failed', err);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof DataDirBusyError) {
    console.error(`twinpad: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
