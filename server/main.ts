import { configFromProcess } from './config';
import { startServer } from './server';

/** Process entry point: parse config once, start, and shut down cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const started = performance.now();
  const config = configFromProcess();
  const server = await startServer(config);
  const backend = server.ctx.db.backend === 'pglite' ? `PGlite in ${config.dataDir}` : 'Postgres';
  console.log(`Twinpad listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${server.port} (${backend}) in ${Math.round(performance.now() - started)} ms`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: flushing rooms and shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
