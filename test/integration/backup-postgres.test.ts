// @module-tag needs-postgres
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/config';
import { migrate } from '../../server/db/migrate';
import { hasPGliteImage, pgliteImagePath } from '../../server/db/pglite-image';
import { openPGliteDataDir, openPostgres, type Sql } from '../../server/db/sql';
import { startServer } from '../../server/server';
import { readBack, runCommand, seedProposal, type ReadBack, type SeededProposal } from '../helpers/backup-world';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/instances';

/**
 * The backup format does not depend on the backend: a PGlite team moves to
 * Postgres with `npm run backup` and `npm run restore`, and back again.
 */
const image = hasPGliteImage(pgliteImagePath()) ? pgliteImagePath() : null;
const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist' });

async function withServer<T>(db: Sql, fn: (server: { url: string }) => Promise<T>): Promise<T> {
  try {
    await migrate(db);
    const server = await startServer(config, { db });
    try {
      return await fn(server);
    } finally {
      await server.close();
    }
  } finally {
    await db.close();
  }
}

const onPGlite = async (dataDir: string) => (await openPGliteDataDir(dataDir, { image })).sql;

describe('OPS: backup and restore across backends', () => {
  let dir: string;
  let pg: ScratchDatabase;
  let seeded: SeededProposal;
  let original: ReadBack;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinpad-backup-pg-'));
    pg = await createScratchDatabase('twinpad_restore');
    await withServer(await onPGlite(join(dir, 'source')), async (server) => {
      seeded = await seedProposal(server);
      original = await readBack(server, seeded);
    });
  }, 120_000);

  afterAll(async () => {
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('OPS16: a PGlite backup restores into an empty Postgres database, where a server reads back the same proposal, sections, comments, snapshots and text', async () => {
    const file = join(dir, 'from-pglite.gz');
    expect((await runCommand('backup', ['--out', file], { DATA_DIR: join(dir, 'source') })).code).toBe(0);
    const restore = await runCommand('restore', [file], { DATABASE_URL: pg.url });
    expect(restore.out).toMatch(/^twinpad restore: \d+ rows in \d+ tables \(schema \d+\) from .* into Postgres 127\.0\.0\.1:5432\/twinpad_restore_\w+ \(\d+ ms\)\n$/);
    expect(restore.code).toBe(0);
    // Backed up again before any server touches it (a sign-in adds a session row): OPS17 compares the two dumps.
    const backup = await runCommand('backup', ['--out', join(dir, 'from-postgres.gz')], { DATABASE_URL: pg.url });
    expect(backup.out).toMatch(/^twinpad backup: .* from Postgres 127\.0\.0\.1:5432\/twinpad_restore_\w+ written to/);
    expect(backup.code).toBe(0);
    const restored = await withServer(await openPostgres(pg.url), (server) => readBack(server, seeded));
    expect(restored).toEqual(original);
  });

  it('OPS17: the Postgres database’s dump equals the PGlite one line for line (but for the header), and restores into a new PGlite data dir with the same content', async () => {
    const fromPg = join(dir, 'from-postgres.gz');
    const body = (f: string) => gunzipSync(readFileSync(f)).toString('utf8').split('\n').slice(1);
    expect(body(fromPg)).toEqual(body(join(dir, 'from-pglite.gz')));

    const target = join(dir, 'back-on-pglite');
    expect((await runCommand('restore', [fromPg], { DATA_DIR: target })).code).toBe(0);
    const restored = await withServer(await onPGlite(target), (server) => readBack(server, seeded));
    expect(restored).toEqual(original);
  });
});
