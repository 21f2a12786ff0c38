import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

/**
 * Compiles the server for production: one ES module per entry point in
 * dist-server/ (the server, its work-pool thread, and the backup and restore commands), with our own
 * code (server/, shared/) bundled and every npm package left to node_modules.
 * Production runs `node dist-server/main.js`, with no TypeScript loader.
 *
 * A module that finds files next to itself (the migrations, the PGlite image
 * cache) reads `import.meta.url`; in the bundle each such module keeps its own
 * source location, relative to the bundle, so dist-server/ must stay beside
 * server/ (the SQL migrations) and node_modules/, as it does in the repo and
 * in the Docker image.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const serverOutDir = join(root, 'dist-server');

export const serverEntryPoints = {
  main: 'server/main.ts',
  backup: 'scripts/backup.ts',
  restore: 'scripts/restore.ts',
  /** The heavy-work pool's thread entry; server/work/pool.ts starts it from beside main.js. */
  'work-worker': 'server/work/worker.ts',
} as const;

/** Rewrites `import.meta.url` in our modules to the module's source URL, computed from the bundle's own. */
const ownImportMetaUrl = (outDir: string): Plugin => ({
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\/(server|shared|scripts)\/.*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
      const fromBundle = relative(outDir, args.path).split('\\').join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'ts' };
    });
  },
});

/** Bundles the entry points into `outDir` (a directory of the repo, so that server/ and node_modules/ resolve from it). */
export async function buildServer(outDir: string = serverOutDir): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: serverEntryPoints,
    outdir: outDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [ownImportMetaUrl(outDir)],
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  buildServer().then(
    () => console.log(`twinpad build: server bundle written to dist-server/ (${Math.round(performance.now() - t0)} ms)`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
