import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { migrate } from '../../server/db/migrate';
import { openPGliteFromDump, openPostgres, type Sql } from '../../server/db/sql';

export interface TestDatabase {
  db: Sql;
  backend: Sql['backend'];
  /** Connection URL and schema, when on Postgres, for a server in another process. */
  databaseUrl: string | undefined;
  schema: string | undefined;
  /** Drops the file's schema (Postgres) and closes the connection. */
  dispose(): Promise<void>;
}

/**
 * A database of this test file's own: a clone of the migrated PGlite template,
 * or a fresh schema on the real Postgres server when DATABASE_URL is set.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const url = inject('databaseUrl');
  if (url) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = await openPostgres(url, { max: 1 });
    await admin.exec(`create schema ${schema}`);
    await admin.close();
    const db = await openPostgres(url, { schema });
    await migrate(db);
    return {
      db,
      backend: 'postgres',
      databaseUrl: url,
      schema,
      async dispose() {
        await db.close();
        const cleanup = await openPostgres(url, { max: 1 });
        await cleanup.exec(`drop schema ${schema} cascade`);
        await cleanup.close();
      },
    };
  }
  const dump = new Blob([readFileSync(inject('pgliteTemplate'))]);
  const db = await openPGliteFromDump(dump);
  return { db, backend: 'pglite', databaseUrl: undefined, schema: undefined, dispose: () => db.close() };
}

/** `db` with some methods replaced: a test's view into a command's steps (every statement still runs on the real database). */
export function instrumented(db: Sql, overrides: Partial<Pick<Sql, 'query' | 'transaction'>>): Sql {
  return new Proxy(db, {
    get(target, prop, receiver) {
      const own = (overrides as Record<PropertyKey, unknown>)[prop];
      if (own) return own;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
