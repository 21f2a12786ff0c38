import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendDocUpdates, compactDoc, loadDoc } from '../../server/db/doc-updates';
import { openTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * MI9: with several instances, the state a room compacts from may lack rows
 * another instance committed (a lower seq that committed late, or a row whose
 * fan-out has not arrived yet). Compaction must not drop them.
 */
let t: TestDatabase;

beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t?.dispose();
});

async function newSection(): Promise<string> {
  const [p] = await t.db.query<{ id: string }>(`insert into proposals (title, template_id) values ('P', 'cerv-network-of-towns') returning id`);
  const [pa] = await t.db.query<{ id: string }>(`insert into partners (proposal_id, name, town, country, is_lead) values ($1, 'Bologna', 'Bologna', 'IT', true) returning id`, [p!.id]);
  const [s] = await t.db.query<{ id: string }>(
    `insert into sections (proposal_id, key, position, number, title, criterion, min_chars, max_chars, owner_partner_id)
     values ($1, 'k1', 1, '1', 'Relevance', 'relevance', 100, 5000, $2) returning id`,
    [p!.id, pa!.id],
  );
  return s!.id;
}

/** An update adding `key: value` to the map `m`, from a doc of its own (another instance's client). */
function entry(key: string, value: string): Uint8Array {
  const d = new Y.Doc();
  d.getMap('m').set(key, value);
  const u = Y.encodeStateAsUpdate(d);
  d.destroy();
  return u;
}

async function storedEntries(docId: string): Promise<Record<string, unknown>> {
  const loaded = await loadDoc(t.db, docId);
  const doc = new Y.Doc();
  if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
  for (const u of loaded.updates) Y.applyUpdate(doc, u);
  const out = doc.getMap('m').toJSON();
  doc.destroy();
  return out;
}

describe('compaction with several instances', () => {
  it('MI9: a compaction from a state that lacks some rows keeps them, and so does a later one that lacks the earlier snapshot', async () => {
    const docId = await newSection();
    const [a, b, c] = [entry('a', 'from A'), entry('b', 'from B'), entry('c', 'from C')];
    const [seqA, seqB] = await appendDocUpdates(t.db, [
      { docId, update: a, userId: null },
      { docId, update: b, userId: null },
    ]);
    expect(seqB!).toBeGreaterThan(seqA!);
    // Instance B compacts up to its own row with a doc that never saw A's row.
    expect(await compactDoc(t.db, docId, b, seqB!)).toBe(true);
    expect(await storedEntries(docId)).toEqual({ a: 'from A', b: 'from B' });
    // Instance C, which loaded before either, compacts with only its own row: the snapshot keeps A and B.
    const [seqC] = await appendDocUpdates(t.db, [{ docId, update: c, userId: null }]);
    expect(await compactDoc(t.db, docId, c, seqC!)).toBe(true);
    expect(await storedEntries(docId)).toEqual({ a: 'from A', b: 'from B', c: 'from C' });
    // A stale compaction (older seq) changes nothing.
    expect(await compactDoc(t.db, docId, a, seqA!)).toBe(false);
    expect(await storedEntries(docId)).toEqual({ a: 'from A', b: 'from B', c: 'from C' });
  });

  it('MI9: concurrent compactions of one doc by two instances lose nothing', async () => {
    const docId = await newSection();
    const rows = Array.from({ length: 20 }, (_, i) => entry(`k${i}`, `v${i}`));
    const seqs = await appendDocUpdates(t.db, rows.map((update) => ({ docId, update, userId: null })));
    // Each "instance" saw only half of the rows.
    const half = (from: number) => Y.mergeUpdates(rows.filter((_, i) => i % 2 === from));
    await Promise.all([compactDoc(t.db, docId, half(0), seqs[15]!), compactDoc(t.db, docId, half(1), seqs[19]!)]);
    const expected = Object.fromEntries(rows.map((_, i) => [`k${i}`, `v${i}`]));
    expect(await storedEntries(docId)).toEqual(expected);
  });
});
