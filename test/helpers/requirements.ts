import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import type { TestTagDefinition } from 'vitest/config';

/**
 * The parts outside Node and npm that some suites need, and whether this
 * machine has them. vitest.config.ts probes once per run and turns each into a
 * test tag: a file that needs one says so on a line of its own,
 *
 *     // @module-tag needs-postgres
 *
 * and, when the part is missing, every test of that file is skipped (its hooks
 * never run) and the closing summary names what is missing and how to provide
 * it. With TWINPAD_REQUIRE_ALL=1 (`.ci/run` sets it) such a file fails instead.
 * Runs in vitest's main process: no `vitest` imports here.
 */

export const requirementNames = ['postgres', 'redis', 'redis-server', 'chromium'] as const;
export type Requirement = (typeof requirementNames)[number];

/** Where the end-to-end suites find Chromium (Debian's package). */
export const chromiumPath = '/usr/bin/chromium';
/** The Postgres server the suites use when DATABASE_URL is not set. */
export const localPostgresUrl = 'postgres://postgres@127.0.0.1:5432/test';
/** The shared Redis the multi-instance suites use. */
export const localRedisUrl = 'redis://127.0.0.1:6379';

export interface RequirementInfo {
  /** What is missing, as the skip line says it. */
  what: string;
  /** How to provide it. */
  how: string;
}

export const requirementInfo: Record<Requirement, RequirementInfo> = {
  postgres: { what: 'a Postgres server', how: 'set DATABASE_URL or run one on 127.0.0.1:5432 with a database "test"' },
  redis: { what: 'a Redis server on 127.0.0.1:6379', how: 'apt-get install redis-server, or start redis-server' },
  'redis-server': { what: 'the redis-server binary on PATH', how: 'apt-get install redis-server' },
  chromium: { what: `Chromium at ${chromiumPath}`, how: 'apt-get install chromium' },
};

/** The test tag a file declares (`// @module-tag needs-…`) to need `r`. */
export const tagOf = (r: Requirement): `needs-${Requirement}` => `needs-${r}`;

/** The environment variable under which a missing part fails the files that need it. */
export const requireAllVariable = 'TWINPAD_REQUIRE_ALL';

export function requireAll(env: Record<string, string | undefined>): boolean {
  const v = env[requireAllVariable];
  return v !== undefined && v !== '' && v !== '0';
}

/** The line a skipped file's requirement prints. */
export function skipLine(r: Requirement): string {
  const { what, how } = requirementInfo[r];
  return `needs ${what} (${how}) — see README "Test it"`;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(binary: string, pathVar: string | undefined): boolean {
  return (pathVar ?? '').split(delimiter).some((dir) => dir !== '' && isExecutableFile(join(dir, binary)));
}

async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, idle_timeout: 1, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Probes every requirement at once; resolves to the missing ones. */
export async function missingRequirements(env: Record<string, string | undefined>): Promise<Requirement[]> {
  const databaseUrl = env.DATABASE_URL || localPostgresUrl;
  const present: Record<Requirement, Promise<boolean>> = {
    postgres: postgresAnswers(databaseUrl),
    redis: redisAnswers(localRedisUrl),
    'redis-server': Promise.resolve(onPath('redis-server', env.PATH)),
    chromium: Promise.resolve(isExecutableFile(chromiumPath)),
  };
  const missing: Requirement[] = [];
  for (const r of requirementNames) if (!(await present[r])) missing.push(r);
  return missing;
}

/**
 * What the summary reporter reads from a test skipped for a missing part: one
 * key per part (vitest merges the metas of a test's tags key by key).
 */
export type MissingMeta = Partial<Record<`missing-${Requirement}`, true>>;

/** The missing parts a test's meta names. */
export function missingIn(meta: MissingMeta): Requirement[] {
  return requirementNames.filter((r) => meta[`missing-${r}`] === true);
}

/**
 * vitest tag definitions, one per requirement: a missing part skips the tests
 * of the files that need it, unless `strict`, when they run (and
 * test/require-all.ts fails them before their own hooks start).
 */
export function requirementTags(missing: readonly Requirement[], strict: boolean): TestTagDefinition[] {
  return requirementNames.map((r) => {
    const absent = missing.includes(r);
    const meta: MissingMeta = absent ? { [`missing-${r}`]: true } : {};
    return {
      name: tagOf(r),
      description: `needs ${requirementInfo[r].what}`,
      ...(absent && !strict ? { skip: true } : {}),
      meta,
    };
  });
}
