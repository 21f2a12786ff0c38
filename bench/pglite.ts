/**
 * The PGlite hot statements, timed side by side in one process:
 *
 *   node --import tsx bench/pglite.ts          # prints ms p50/p99 per statement, writes bench/results/pglite-*.json
 *   node --import tsx bench/pglite.ts --quick  # fewer samples and a 10,000-row load
 *
 * Each statement runs through two paths on the same database:
 * - `shipped`: what the server runs (server/db/doc-updates.ts, sessions.ts through the `Sql` interface);
 * - `query`: the same statement through PGlite's plain public `query` (extended protocol, `$n` parameters).
 * The statements are the ones the collab core issues: the group commit's log append
 * (one row, and a batch of rows of two sections), a section's load (50,000 keystroke
 * rows, and one snapshot of them), and the session lookup every request and upgrade makes.
 * `runPgliteBench()` is exported for bench/run.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { compactDoc } from '../server/db/doc-compaction';
import { appendDocUpdates, appendToOpenDocs, loadDoc, type NewDocUpdate } from '../server/db/doc-updates';
import { migrate } from '../server/db/migrate';
import { ensurePGliteImage, pgliteImagePath } from '../server/db/pglite-image';
import { findSessionWithUser } from '../server/db/sessions';
import { openPGlite, type Sql } from '../server/db/sql';
import { summarize, type LatencySummary } from './scenarios';

export interface PgliteStatementResult {
  statement: string;
  path: 'shipped' | 'query';
  ms: LatencySummary;
}

export interface PgliteBenchResult {
  rows: number;
  results: PgliteStatementResult[];
}

export interface PgliteBenchOptions {
  /** Keystroke rows in the loaded section (50,000 by default). */
  rows?: number;
  /** Samples per statement and path (loads take a tenth of it, at least 5). */
  samples?: number;
}

const openSection = `select id from sections where status not in ('approved', 'final')`;

/** The one-row append as a plain parameterised statement (the text doc-updates.ts prepares). */
const appendOneText = `insert into doc_updates (doc_id, update, user_id)
  select $1::uuid, $2::bytea, $3::uuid from (${openSection} and id = $1::uuid for key share) s returning seq`;

/** The multi-row append as a plain parameterised statement (doc-updates.ts's, with `$n` parameters). */
function appendBatchText(count: number): string {
  const values = Array.from({ length: count }, (_, i) => `($${i * 3 + 1}::uuid, $${i * 3 + 2}::bytea, $${i * 3 + 3}::uuid, ${i})`);
  return `with v (doc_id, update, user_id, ord) as (values ${values.join(', ')}),
    s as (${openSection} and id in (select doc_id from v) order by id for key share)
   insert into doc_updates (doc_id, update, user_id)
   select v.doc_id, v.update, v.user_id from v join s on s.id = v.doc_id order by v.ord
   returning doc_id, seq`;
}

/** The load as rows: the snapshot, then every later update (the statement doc-updates.ts runs on Postgres). */
const loadRowsText = `with s as (select state, upto_seq from doc_snapshots where doc_id = $1)
  select 's' as kind, upto_seq as seq, state as data from s
  union all
  select 'u' as kind, u.seq, u.update as data from doc_updates u
   where u.doc_id = $1 and u.seq > coalesce((select upto_seq from s), 0)
  order by kind, seq`;

const sessionText = `select s.id, s.user_id, s.expires_at, u.email, u.name, u.locale, u.color
  from sessions s join users u on u.id = s.user_id where s.id = $1`;

/** `count` single-character keystrokes, each as the update a client sends. */
function keystrokes(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  const text = doc.getText('bench-text');
  for (let i = 0; i < count; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  doc.destroy();
  return out;
}

async function newSection(db: Sql, proposalId: string, partnerId: string): Promise<string> {
  const [s] = await db.query<{ id: string }>(
    `insert into sections (proposal_id, key, position, number, title, criterion, min_chars, max_chars, owner_partner_id, status)
     values ($1, $2, 1, '1', 'Bench', 'relevance', 100, 5000, $3, 'drafting') returning id`,
    [proposalId, `bench-${randomBytes(4).toString('hex')}`, partnerId],
  );
  if (!s) throw new Error('no section');
  return s.id;
}

async function time(samples: number, run: (i: number) => Promise<unknown>): Promise<LatencySummary> {
  for (let i = 0; i < Math.min(20, samples); i++) await run(i); // warm the statements and the JIT
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await run(i);
    ms.push(performance.now() - started);
  }
  return summarize(ms);
}

const round = (s: LatencySummary): LatencySummary => ({ p50: Math.round(s.p50 * 1000) / 1000, p95: Math.round(s.p95 * 1000) / 1000, p99: Math.round(s.p99 * 1000) / 1000, count: s.count });

export async function runPgliteBench(opts: PgliteBenchOptions = {}): Promise<PgliteBenchResult> {
  const rows = opts.rows ?? 50_000;
  const samples = opts.samples ?? 300;
  const loadSamples = Math.max(5, Math.round(samples / 10));
  const dir = mkdtempSync(join(tmpdir(), 'twinpad-pglite-bench-'));
  const image = pgliteImagePath();
  await ensurePGliteImage(image);
  const db = await openPGlite(dir, { image });
  try {
    await migrate(db);
    const [p] = await db.query<{ id: string }>(`insert into proposals (title, template_id) values ('PGlite bench', 'cerv-network-of-towns') returning id`);
    const [pa] = await db.query<{ id: string }>(`insert into partners (proposal_id, name, town, country, is_lead) values ($1, 'Bench', 'Bologna', 'IT', true) returning id`, [p!.id]);
    const [user] = await db.query<{ id: string }>(`insert into users (email, name, password_hash, color) values ('bench@example.org', 'Bench', 'x', '#123456') returning id`);
    const userId = user!.id;
    const [a, b, loaded, compacted] = [
      await newSection(db, p!.id, pa!.id),
      await newSection(db, p!.id, pa!.id),
      await newSection(db, p!.id, pa!.id),
      await newSection(db, p!.id, pa!.id),
    ];
    const strokes = keystrokes(rows);
    for (let start = 0; start < rows; start += 1000) {
      const chunk = strokes.slice(start, start + 1000).map((update): NewDocUpdate => ({ docId: loaded, update, userId }));
      await appendDocUpdates(db, chunk);
      await appendDocUpdates(db, chunk.map((r) => ({ ...r, docId: compacted })));
    }
    const whole = (await loadDoc(db, compacted)).lastSeq;
    const doc = new Y.Doc();
    for (const u of strokes) Y.applyUpdate(doc, u);
    await compactDoc(db, compacted, Y.encodeStateAsUpdate(doc), whole);
    doc.destroy();
    const sessionId = createHash('sha256').update('bench').digest('hex');
    await db.query(`insert into sessions (id, user_id, expires_at) values ($1, $2, now() + interval '1 day')`, [sessionId, userId]);

    const key = strokes[0]!;
    const batch = (n: number): NewDocUpdate[] => Array.from({ length: n }, (_, i) => ({ docId: i % 2 ? b : a, update: key, userId }));
    const batchParams = (n: number) => batch(n).flatMap((r) => [r.docId, r.update, r.userId]);
    const results: PgliteStatementResult[] = [];
    const add = async (statement: string, path: PgliteStatementResult['path'], n: number, run: (i: number) => Promise<unknown>) => {
      results.push({ statement, path, ms: round(await time(n, run)) });
    };
    await add('append 1 row', 'shipped', samples, () => appendToOpenDocs(db, [{ docId: a, update: key, userId }]));
    await add('append 1 row', 'query', samples, () => db.query(appendOneText, [a, key, userId]));
    await add('append batch of 8 rows (2 sections)', 'shipped', samples, () => appendToOpenDocs(db, batch(8)));
    await add('append batch of 8 rows (2 sections)', 'query', samples, () => db.query(appendBatchText(8), batchParams(8)));
    await add('append batch of 64 rows (2 sections)', 'shipped', samples, () => appendToOpenDocs(db, batch(64)));
    await add('append batch of 64 rows (2 sections)', 'query', samples, () => db.query(appendBatchText(64), batchParams(64)));
    await add(`load ${rows} rows`, 'shipped', loadSamples, () => loadDoc(db, loaded));
    await add(`load ${rows} rows`, 'query', loadSamples, () => db.query(loadRowsText, [loaded]));
    await add(`load a snapshot of ${rows} keystrokes`, 'shipped', samples, () => loadDoc(db, compacted));
    await add(`load a snapshot of ${rows} keystrokes`, 'query', samples, () => db.query(loadRowsText, [compacted]));
    await add('session lookup', 'shipped', samples, () => findSessionWithUser(db, sessionId));
    await add('session lookup', 'query', samples, () => db.query(sessionText, [sessionId]));
    return { rows, results };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printPgliteBench(result: PgliteBenchResult): void {
  console.log('\nPGlite hot statements (ms; shipped = the server\'s path, query = PGlite\'s plain query)');
  console.log(`${'statement'.padEnd(42)}${'path'.padEnd(9)}${'p50'.padStart(9)}${'p99'.padStart(9)}`);
  for (const r of result.results) {
    console.log(`${r.statement.padEnd(42)}${r.path.padEnd(9)}${r.ms.p50.toFixed(3).padStart(9)}${r.ms.p99.toFixed(3).padStart(9)}`);
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const result = await runPgliteBench(quick ? { rows: 10_000, samples: 100 } : {});
  printPgliteBench(result);
  const outDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `pglite-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ quick, durationSeconds: (Date.now() - started) / 1000, ...result }, null, 2));
  console.log(`\nwrote ${file}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
