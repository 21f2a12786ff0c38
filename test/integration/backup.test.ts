import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/config';
import { databaseHasRows } from '../../server/db/backup';
import { migrate } from '../../server/db/migrate';
import { hasPGliteImage, pgliteImagePath } from '../../server/db/pglite-image';
import { openPGliteDataDir, type Sql } from '../../server/db/sql';
import { startServer } from '../../server/server';
import { readBack, runCommand, seedProposal, type ReadBack, type SeededProposal } from '../helpers/backup-world';

const image = hasPGliteImage(pgliteImagePath()) ? pgliteImagePath() : null;
const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist' });

/** A server over the PGlite data dir `dataDir` while `fn` runs; the dir is released afterwards. */
async function withServer<T>(dataDir: string, fn: (server: { url: string }, db: Sql) => Promise<T>): Promise<T> {
  const { sql: db } = await openPGliteDataDir(dataDir, { image });
  try {
    await migrate(db);
    const server = await startServer(config, { db });
    try {
      return await fn(server, db);
    } finally {
      await server.close();
    }
  } finally {
    await db.close();
  }
}

const lines = (file: string) => gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');

/**
 * A dump's table sections (every line after the header) without the tables and
 * columns a migration added, the end marker recounted: the dump an older schema made.
 */
function withoutAdded(body: string[], added: { tables: string[]; columns: Record<string, string[]> }): string[] {
  const out: string[] = [];
  let dropTable = false;
  let dropColumns: string[] = [];
  let tables = 0;
  let rows = 0;
  for (const line of body) {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    if (typeof parsed.table === 'string' && Array.isArray(parsed.columns)) {
      dropTable = added.tables.includes(parsed.table);
      dropColumns = added.columns[parsed.table] ?? [];
      if (dropTable) continue;
      tables++;
      const columns = (parsed.columns as { name: string }[]).filter((c) => !dropColumns.includes(c.name));
      out.push(JSON.stringify({ ...parsed, columns }));
    } else if (parsed.end === true) {
      out.push(JSON.stringify({ ...parsed, tables, rows }));
    } else if (!dropTable) {
      rows++;
      for (const c of dropColumns) delete parsed[c];
      out.push(JSON.stringify(parsed));
    }
  }
  return out;
}

describe('OPS: backup and restore on PGlite', () => {
  let dir: string;
  let source: string;
  let file: string;
  let seeded: SeededProposal;
  let original: ReadBack;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinpad-backup-'));
    source = join(dir, 'source');
    file = join(dir, 'twinpad.backup.gz');
    await withServer(source, async (server) => {
      seeded = await seedProposal(server);
      original = await readBack(server, seeded);
    });
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('OPS11: `npm run backup -- --out FILE` writes a gzip’d JSON-lines dump: header with the schema version, tables in foreign-key order, bytea as base64, an end marker', async () => {
    const run = await runCommand('backup', ['--out', file], { DATA_DIR: source });
    expect(run.out).toMatch(/^twinpad backup: \d+ rows in \d+ tables \(schema \d+\) from PGlite in .* written to .*twinpad\.backup\.gz \(\d+ ms\)\n$/);
    expect(run.code).toBe(0);

    const all = lines(file).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(all[0]).toMatchObject({ format: 'twinpad-backup', formatVersion: 1, backend: 'pglite', schemaVersion: expect.any(Number) });
    expect(all.at(-1)).toMatchObject({ end: true });
    const tables = all.filter((r) => typeof r.table === 'string').map((r) => r.table as string);
    const before = (a: string, b: string) => expect(tables.indexOf(a), `${a} before ${b}`).toBeLessThan(tables.indexOf(b));
    before('users', 'sessions');
    before('proposals', 'partners');
    before('partners', 'members');
    before('sections', 'comments');
    before('snapshots', 'snapshot_sections');
    expect(tables).not.toContain('schema_migrations');

    // Rows follow their table header; the reply comes after its thread; bytea is base64.
    const rowsOf = (table: string) => {
      const start = all.findIndex((r) => r.table === table);
      return all.slice(start + 1, start + 1 + (all[start]!.rows as number));
    };
    const comments = rowsOf('comments');
    expect(comments).toHaveLength(2);
    expect(comments[0]!.parent_id).toBeNull();
    expect(comments[1]!.parent_id).toBe(comments[0]!.id);
    // Yjs state (doc_updates, doc_snapshots, snapshot_sections) is bytea: base64 strings.
    let byteaValues = 0;
    for (const header of all.filter((r) => typeof r.table === 'string')) {
      for (const column of (header.columns as { name: string; type: string }[]).filter((c) => c.type === 'bytea')) {
        for (const row of rowsOf(header.table as string)) {
          if (row[column.name] === null) continue;
          expect(row[column.name]).toMatch(/^[A-Za-z0-9+/]+=*$/);
          byteaValues += 1;
        }
      }
    }
    expect(byteaValues).toBeGreaterThanOrEqual(2);
    const total = all.filter((r) => typeof r.table === 'string').reduce((n, r) => n + (r.rows as number), 0);
    expect(all.at(-1)).toEqual({ end: true, tables: tables.length, rows: total });
    expect(all).toHaveLength(1 + tables.length + total + 1);
  });

  it('OPS12: `npm run restore -- FILE` into a new data dir gives back the same proposal, sections, comments, snapshots and document text; the restored users sign in', async () => {
    const target = join(dir, 'restored');
    const run = await runCommand('restore', [file], { DATA_DIR: target });
    expect(run.out).toMatch(/^twinpad restore: \d+ rows in \d+ tables \(schema \d+\) from .* into PGlite in .*restored \(\d+ ms\)\n$/);
    expect(run.code).toBe(0);
    const restored = await withServer(target, (server) => readBack(server, seeded));
    expect(restored).toEqual(original);
    expect(restored.documents.join('\n')).toContain('Twinned towns meet in Bologna');
  });

  it('OPS13: restore refuses (exit 2) a database that already holds data, and changes nothing; --force replaces it', async () => {
    const target = join(dir, 'restored');
    const refused = await runCommand('restore', [file], { DATA_DIR: target });
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/^twinpad restore: refused: the target database already holds data: restore into an empty one, or pass --force to replace it\n$/);
    const forced = await runCommand('restore', [file, '--force'], { DATA_DIR: target });
    expect(forced.code).toBe(0);
    expect(await withServer(target, (server) => readBack(server, seeded))).toEqual(original);
  });

  it('OPS14: restore refuses (exit 2) a dump from a newer schema, a file cut short and a file that is no backup, leaving the target empty', async () => {
    const all = lines(file);
    const header = JSON.parse(all[0]!) as { schemaVersion: number; migrations: number[] };
    const newer = join(dir, 'newer.gz');
    writeFileSync(newer, gzipSync([JSON.stringify({ ...header, schemaVersion: 9999, migrations: [...header.migrations, 9999] }), ...all.slice(1)].join('\n') + '\n'));
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, gzipSync(all.slice(0, -3).join('\n') + '\n'));
    const halfGzip = join(dir, 'half.gz');
    const zipped = readFileSync(file);
    writeFileSync(halfGzip, zipped.subarray(0, Math.floor(zipped.length / 2)));
    const notBackup = join(dir, 'notes.gz');
    writeFileSync(notBackup, gzipSync('{"hello":"world"}\n'));

    const target = join(dir, 'empty');
    const cases: [string, RegExp][] = [
      [newer, /refused: .*newer\.gz comes from a newer twinpad \(schema 9999; this one knows up to \d+\): upgrade first/],
      [cut, /refused: .*cut\.gz is cut short/],
      [halfGzip, /refused: .*half\.gz is cut short/],
      [notBackup, /refused: .*notes\.gz is not a twinpad backup/],
    ];
    for (const [path, message] of cases) {
      const run = await runCommand('restore', [path], { DATA_DIR: target });
      expect(run.out).toMatch(message);
      expect(run.code).toBe(2);
    }
    const { sql: db } = await openPGliteDataDir(target, { image });
    try {
      expect(await databaseHasRows(db)).toBe(false);
    } finally {
      await db.close();
    }
  });

  it('OPS15: backup refuses (exit 2) a data dir a running server holds, and a missing data dir; it never overwrites a file without --force', async () => {
    const { sql: held } = await openPGliteDataDir(source, { image });
    try {
      const busy = await runCommand('backup', ['--out', join(dir, 'busy.gz')], { DATA_DIR: source });
      expect(busy.code).toBe(2);
      expect(busy.out).toMatch(/^twinpad backup: refused: .*stop that server first\n$/);
    } finally {
      await held.close();
    }
    const missing = await runCommand('backup', ['--out', join(dir, 'missing.gz')], { DATA_DIR: join(dir, 'nothing-here') });
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/no PGlite database in .*nothing-here/);
    const exists = await runCommand('backup', ['--out', file], { DATA_DIR: source });
    expect(exists.code).toBe(2);
    expect(exists.out).toMatch(/twinpad\.backup\.gz exists; pass --force to overwrite it/);
  });

  it('OPS24: a dump from an older schema is loaded at its own migration version, then migrated to this code’s', async () => {
    const all = lines(file);
    const header = JSON.parse(all[0]!) as { schemaVersion: number; migrations: number[] };
    const previous = header.migrations.at(-2)!;
    // The dump as the schema before the newest migration (0015) would have it: without what 0015 adds
    // (snapshots.label). A newer migration must update `added`.
    const older = join(dir, 'older.gz');
    const atPrevious = withoutAdded(all.slice(1), { tables: [], columns: { snapshots: ['label'] } });
    writeFileSync(older, gzipSync([JSON.stringify({ ...header, schemaVersion: previous, migrations: header.migrations.slice(0, -1) }), ...atPrevious].join('\n') + '\n'));
    const target = join(dir, 'from-older');
    const run = await runCommand('restore', [older], { DATA_DIR: target });
    expect(run.out).toMatch(new RegExp(`\\(schema ${previous}, then migrated to ${header.schemaVersion}\\)`));
    expect(run.code).toBe(0);
    const restored = await withServer(target, async (server, db) => {
      const versions = (await db.query<{ version: number }>('select version from schema_migrations order by version')).map((r) => r.version);
      expect(versions).toEqual(header.migrations);
      return readBack(server, seeded);
    });
    expect(restored).toEqual(original);
  });
});

