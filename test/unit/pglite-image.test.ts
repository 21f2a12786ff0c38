import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirBusyError } from '../../server/db/data-dir-lock';
import { listMigrations, migrate } from '../../server/db/migrate';
import { ensurePGliteImage, pgliteImagePath } from '../../server/db/pglite-image';
import { openPGliteDataDir } from '../../server/db/sql';

/**
 * The first start's database step: a new data dir is restored from the cached
 * image of a fresh, migrated cluster instead of running initdb. The image is
 * made here in a temp folder of the test's own (about 5 s). (Without an image,
 * initdb makes the cluster: STO6 in storage-contract covers that path.)
 */
describe('the PGlite start-up image', () => {
  let root: string;
  let image: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'twinpad-image-'));
    image = pgliteImagePath(join(root, 'cache'));
    expect(await ensurePGliteImage(image)).toBe('built');
    expect(await ensurePGliteImage(image)).toBe('cached');
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('WSH16 the image is made once, named for this PGlite and these migrations', () => {
    expect(image).toMatch(/pglite-\d+\.\d+\.\d+-[0-9a-f]{12}$/);
    expect(pgliteImagePath(join(root, 'cache'))).toBe(image);
  });

  it('WSH16 a new data dir restored from the image is migrated, works, is held, and keeps its rows across a reopen', async () => {
    const dataDir = join(root, 'data');
    const first = await openPGliteDataDir(dataDir, { image });
    expect(first.opening).toBe('restored');
    try {
      const versions = (await first.sql.query<{ version: number }>('select version from schema_migrations order by version')).map((r) => r.version);
      expect(versions).toEqual(listMigrations().map((m) => m.version));
      expect(await migrate(first.sql)).toEqual([]);
      await first.sql.query(`insert into users (email, name, password_hash, color) values ($1, $2, $3, $4)`, ['sto6@example.org', 'Sto Six', 'x', '#123456']);
      await expect(openPGliteDataDir(dataDir, { image })).rejects.toThrow(DataDirBusyError);
    } finally {
      await first.sql.close();
    }
    const again = await openPGliteDataDir(dataDir, { image });
    try {
      expect(again.opening).toBe('opened');
      expect(await again.sql.query('select name from users where email = $1', ['sto6@example.org'])).toEqual([{ name: 'Sto Six' }]);
    } finally {
      await again.sql.close();
    }
  }, 60_000);

  it('WSH16 a copy from the image that was cut short (the process killed mid-copy) is made again', async () => {
    const dataDir = join(root, 'cut');
    mkdirSync(join(dataDir, 'base'), { recursive: true });
    writeFileSync(join(dataDir, 'twinpad.restoring'), '');
    writeFileSync(join(dataDir, 'postgresql.conf'), 'half a file');
    const opened = await openPGliteDataDir(dataDir, { image });
    try {
      expect(opened.opening).toBe('restored');
      expect(existsSync(join(dataDir, 'twinpad.restoring'))).toBe(false);
      expect(await migrate(opened.sql)).toEqual([]);
    } finally {
      await opened.sql.close();
    }
  }, 60_000);
});
