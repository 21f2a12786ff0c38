import { parseConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import { openTestDatabase, type TestDatabase } from './db';

export interface TestServer extends RunningServer {
  database: TestDatabase;
  /** Stops the server and disposes of the file's database. */
  stop(): Promise<void>;
}

/**
 * The real server on port 0 over this file's own database. Config is built from
 * explicit values, not the ambient environment, so every file gets the same setup.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await openTestDatabase();
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist', ...env });
  const server = await startServer(config, { db: database.db });
  return Object.assign(server, {
    database,
    async stop() {
      await server.close();
      await database.dispose();
    },
  });
}
