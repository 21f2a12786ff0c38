import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listMigrations, migrate } from './migrate';
import { openPGlite } from './sql';

/**
 * A cached image of a fresh, migrated PGlite cluster: a cleanly closed data dir
 * that a new data dir starts as a copy of. Copying it and opening the copy takes
 * about 0.5-1 s, where initdb takes 3-4 s and about 860 MB (a `dumpDataDir` tarball
 * restored with `loadDataDir` took about 1 s, as PGlite untars it file by file).
 * The image is 40 MB (5 MB gzipped), too big to ship in the repo, so it is made
 * once per machine (npm's postinstall, else the first start that needs it) under
 * node_modules/.cache, and its name carries the PGlite version and a hash of the
 * migrations: a new PGlite or a new migration makes (and uses) a new image.
 */
const pglitePackage = fileURLToPath(new URL('../package.json', import.meta.resolve('@electric-sql/pglite')));
export const defaultImageDir = fileURLToPath(new URL('../../node_modules/.cache/twinpad/', import.meta.url));

/** The image (a directory) for this PGlite and these migrations, in `dir`. */
export function pgliteImagePath(dir: string = defaultImageDir): string {
  const version = (JSON.parse(readFileSync(pglitePackage, 'utf8')) as { version: string }).version;
  const hash = createHash('sha256');
  for (const m of listMigrations()) hash.update(`${m.version}\0${m.name}\0${m.sql}\0`);
  return join(dir, `pglite-${version}-${hash.digest('hex').slice(0, 12)}`);
}

/** True once an image is complete (it is built aside and renamed into place). */
export const hasPGliteImage = (path: string) => existsSync(join(path, 'PG_VERSION'));

/**
 * Makes the image at `path` (initdb, migrate, close): about 4-5 s. It is built
 * under a name of its own and renamed into place, so a reader never sees half of
 * one; images of older PGlite versions or migrations are removed.
 */
export async function buildPGliteImage(path: string): Promise<void> {
  const parent = dirname(path);
  mkdirSync(parent, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const db = await openPGlite(tmp);
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    try {
      renameSync(tmp, path);
    } catch (err) {
      // Another process finished the same image first: keep theirs.
      if (!hasPGliteImage(path)) throw err;
    }
    for (const f of readdirSync(parent)) {
      if (f.startsWith('pglite-') && f !== basename(path) && !f.includes('.tmp-')) rmSync(join(parent, f), { recursive: true, force: true });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The image for `path`: `cached` when it exists already, `built` when this call made it. */
export async function ensurePGliteImage(path: string = pgliteImagePath()): Promise<'cached' | 'built'> {
  if (hasPGliteImage(path)) return 'cached';
  await buildPGliteImage(path);
  return 'built';
}
