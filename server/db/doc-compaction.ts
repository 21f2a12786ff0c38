import { setImmediate as nextTurn } from 'node:timers/promises';
import * as Y from 'yjs';
import { attributeRows, emptyAttribution, recordDocClients, recordDocDeleters, type Attribution } from './doc-clients';
import { fromBase64, sqlLiteral } from './sql-literals';
import type { Sql } from './sql';

/** What a compacting caller's `state` already holds, so storage merges only the rest. */
export interface StateHolds {
  /** The stored snapshot (by its upto_seq) the state holds: the one its doc loaded or last wrote. */
  snapshotSeq: number;
  /** The rows (by seq) the state holds: the ones its doc loaded or committed. */
  rows: ReadonlySet<number>;
}

const holdsNothing: StateHolds = { snapshotSeq: -1, rows: new Set() };

/** Rows decoded for attribution, or deleted, per slice; the event loop turns between slices. */
const SLICE_ROWS = 64;

type LogRow = { seq: number; update: Uint8Array; userId: string | null };
type Snapshot = { state: Uint8Array | null; uptoSeq: number };

/**
 * Replaces every row up to `uptoSeq` with one snapshot. The snapshot is the merge
 * of the previous one, `state` and every row it covers, so it holds each row even
 * when `state` (one instance's doc) lacks a row another instance committed with a
 * lower seq after this instance last looked. What `holds` says the state holds is
 * neither read nor merged again: one instance writing alone merges nothing.
 *
 * In-process PGlite runs every statement on the event loop, so a compaction is
 * cut into short pieces with commits running in between, never one long stall:
 * 1. read the stored snapshot's seq and the rows up to `uptoSeq`, outside a transaction;
 * 2. work out who sent each row and deleted what, a slice at a time, and merge what `state` lacks;
 * 3. record that attribution (who introduced each Yjs client id, each user's
 *    deletions), in a transaction of its own. It stays true whatever happens next,
 *    and recording it again is idempotent;
 * 4. in ONE short transaction: merge and attribute what changed since the read (a
 *    row another instance committed late, a snapshot another instance wrote), then
 *    write the snapshot. From this commit on, a load reads the snapshot and only the
 *    rows past it: the compaction is atomic here. A stale compaction (a newer
 *    snapshot exists) changes nothing;
 * 5. delete the covered rows, a slice per statement. No load reads them any more; a
 *    crash before they are gone leaves them to the next compaction, which attributes
 *    them again and deletes them.
 * Both transactions take a per-doc advisory lock: compactions of several instances take turns.
 */
export async function compactDoc(db: Sql, docId: string, state: Uint8Array, uptoSeq: number, holds: StateHolds = holdsNothing): Promise<boolean> {
  const before = await readSnapshot(db, docId, holds.snapshotSeq);
  if (before && before.uptoSeq >= uptoSeq) return false;
  const rows = await readRows(db, docId, uptoSeq);
  const attribution = emptyAttribution();
  for (let start = 0; start < rows.length; start += SLICE_ROWS) {
    await nextTurn();
    attributeRows(attribution, rows.slice(start, start + SLICE_ROWS));
  }
  const missing = rows.filter((r) => !holds.rows.has(r.seq)).map((r) => r.update);
  const merged = before?.state || missing.length > 0 ? mergeStates([before?.state ?? null, state, ...missing]) : state;

  if (attribution.clients.size > 0 || attribution.deletes.size > 0) {
    await nextTurn();
    await db.transaction(async (tx) => {
      await lockDoc(tx, docId);
      await record(tx, docId, attribution);
    });
  }
  await nextTurn();

  const covered = await db.transaction(async (tx) => {
    await lockDoc(tx, docId);
    const now = await readSnapshot(tx, docId, before?.uptoSeq ?? -1);
    if (now && now.uptoSeq >= uptoSeq) return null;
    const read = new Set(rows.map((r) => r.seq));
    const lateSeqs = (await readSeqs(tx, docId, uptoSeq)).filter((seq) => !read.has(seq));
    const late = lateSeqs.length > 0 ? await readRows(tx, docId, uptoSeq, lateSeqs) : [];
    if (late.length > 0) await record(tx, docId, attributeRows(emptyAttribution(), late));
    const snapshot = now?.state || late.length > 0 ? mergeStates([now?.state ?? null, merged, ...late.map((r) => r.update)]) : merged;
    await tx.query(
      `insert into doc_snapshots (doc_id, state, upto_seq, updated_at) values ($1, $2, $3, now())
       on conflict (doc_id) do update set state = excluded.state, upto_seq = excluded.upto_seq, updated_at = now()`,
      [docId, snapshot, uptoSeq],
    );
    return [...read, ...lateSeqs];
  });
  if (!covered) return false;
  for (let start = 0; start < covered.length; start += SLICE_ROWS) {
    if (start > 0) await nextTurn();
    await deleteRows(db, docId, covered.slice(start, start + SLICE_ROWS));
  }
  return true;
}

/** Compactions of one doc (by any instance) take turns, until the transaction ends. */
async function lockDoc(tx: Sql, docId: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended($1::text, 0))::text as locked`, [docId]);
}

/** Who sent the rows, and who deleted what in them, outlives them: attributed diffs read it (server/history). */
async function record(tx: Sql, docId: string, attribution: Attribution): Promise<void> {
  await recordDocClients(tx, docId, attribution.clients);
  await recordDocDeleters(tx, docId, attribution.deletes);
}

/** The stored snapshot's seq, and its state unless it is the one at `heldSeq`. */
async function readSnapshot(db: Sql, docId: string, heldSeq: number): Promise<Snapshot | null> {
  const [row] = await db.query<{ state: Uint8Array | null; upto_seq: number }>(
    `select case when upto_seq = $2 then null else state end as state, upto_seq from doc_snapshots where doc_id = $1`,
    [docId, heldSeq],
  );
  return row ? { state: row.state, uptoSeq: row.upto_seq } : null;
}

/** Seqs of the doc's rows up to `uptoSeq`, as one result row. */
async function readSeqs(db: Sql, docId: string, uptoSeq: number): Promise<number[]> {
  const [row] = await db.query<{ seqs: string | null }>(`select string_agg(seq::text, ',') as seqs from doc_updates where doc_id = $1 and seq <= $2`, [
    docId,
    uptoSeq,
  ]);
  return row?.seqs ? row.seqs.split(',').map(Number) : [];
}

/** Seqs as checked SQL literals (each a safe integer), for an `in (...)` list. */
const seqList = (seqs: readonly number[]) => seqs.map((seq) => sqlLiteral('int8', seq)).join(', ');

/**
 * The doc's rows up to `uptoSeq` (only the `only` ones when given) in seq order,
 * read as one result row per sender: per-row results are slow in PGlite.
 */
async function readRows(db: Sql, docId: string, uptoSeq: number, only?: readonly number[]): Promise<LogRow[]> {
  const filter = only ? `and seq in (${seqList(only)})` : '';
  const groups = await db.query<{ userId: string | null; seqs: string; updates: string }>(
    `select user_id as "userId", string_agg(seq::text, ',' order by seq) as seqs, string_agg(encode(update, 'base64'), ',' order by seq) as updates
       from doc_updates where doc_id = $1 and seq <= $2 ${filter} group by user_id`,
    [docId, uptoSeq],
  );
  const rows = groups.flatMap((g) => {
    const seqs = g.seqs.split(',');
    return g.updates.split(',').map((u, i) => ({ seq: Number(seqs[i]), update: fromBase64(u), userId: g.userId }));
  });
  return rows.sort((a, b) => a.seq - b.seq);
}

async function deleteRows(db: Sql, docId: string, seqs: readonly number[]): Promise<void> {
  await db.query(`delete from doc_updates where doc_id = $1 and seq in (${seqList(seqs)})`, [docId]);
}

/** Applied into a fresh doc (not Y.mergeUpdates) so deleted content is garbage-collected. */
function mergeStates(updates: readonly (Uint8Array | null)[]): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.transact(doc, () => {
      for (const update of updates) if (update) Y.applyUpdate(doc, update);
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}
