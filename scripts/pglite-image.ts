/**
 * npm's postinstall: makes the cached PGlite start-up image (see
 * server/db/pglite-image.ts) so the first `npm start` restores a new data dir in
 * about 1 s instead of running initdb. It never fails the install: without the
 * image, the server makes it on the first start that needs one, or runs initdb.
 */
import { ensurePGliteImage, pgliteImagePath } from '../server/db/pglite-image';

const t0 = performance.now();
try {
  const path = pgliteImagePath();
  const how = await ensurePGliteImage(path);
  console.log(`twinpad: PGlite start-up image ${how === 'built' ? 'made' : 'already there'}: ${path} (${Math.round(performance.now() - t0)} ms)`);
} catch (err) {
  console.warn(`twinpad: skipped the PGlite start-up image (${err instanceof Error ? err.message : String(err)}); the first start will make it`);
}
process.exit(0);
