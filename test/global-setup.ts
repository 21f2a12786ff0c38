import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { configFromProcess } from '../server/config';
import { migrate } from '../server/db/migrate';
import { dumpPGlite, openPGlite } from '../server/db/sql';
import { mkdtempSync, rmSync } from 'node:fs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a migrated PGlite data-dir image that each test file clones. */
    pgliteTemplate: string;
    /** Set when the suites run against a real Postgres server. */
    databaseUrl: string;
  }
}

/**
 * Builds the migrated PGlite template once per run (initdb takes about 3 s), so
 * each test file can clone it in about half a second.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const config = configFromProcess();
  const root = mkdtempSync(join(tmpdir(), 'twinpad-test-'));
  const templatePath = join(root, 'pglite-template.tar');
  if (!config.databaseUrl) {
    const dir = join(root, 'template');
    mkdirSync(dir);
    const db = await openPGlite(dir);
    await migrate(db);
    const dump = await dumpPGlite(db);
    writeFileSync(templatePath, new Uint8Array(await dump.arrayBuffer()));
    await db.close();
  }
  project.provide('pgliteTemplate', templatePath);
  project.provide('databaseUrl', config.databaseUrl ?? '');
  return () => rmSync(root, { recursive: true, force: true });
}
