import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listDocDeleters } from '../../server/db/doc-clients';
import { compactDoc } from '../../server/db/doc-compaction';
import { appendDocUpdates, docLogStats, loadDoc } from '../../server/db/doc-updates';
import { instrumented, openTestDatabase, type TestDatabase } from '../helpers/db';

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

  it('MI9: a row another instance commits between the compaction\'s read and its transaction is merged and deleted with the rest', async () => {
    const docId = await newSection();
    const [a, b] = [entry('a', 'from A'), entry('b', 'from B')];
    const seqs = await appendDocUpdates(t.db, [
      { docId, update: a, userId: null },
      { docId, update: b, userId: null },
    ]);
    let late: number | undefined;
    const db = instrumented(t.db, {
      transaction: async (fn) => {
        // Another instance's slower transaction commits a seq below uptoSeq now.
        [late] = await appendDocUpdates(t.db, [{ docId, update: entry('late', 'from C'), userId: null }]);
        return t.db.transaction(fn);
      },
    });
    const state = Y.mergeUpdates([a, b]);
    expect(await compactDoc(db, docId, state, seqs[1]! + 1_000_000, { snapshotSeq: -1, rows: new Set(seqs) })).toBe(true);
    expect(late).toBeGreaterThan(seqs[1]!);
    expect(await storedEntries(docId)).toEqual({ a: 'from A', b: 'from B', late: 'from C' });
    expect((await docLogStats(t.db, docId)).rows).toBe(0);
  });
});

describe('compaction keeps who deleted what', () => {
  it('HIS8: two users\' deletions, over two compactions, are kept per user and merged with what was stored', async () => {
    const docId = await newSection();
    const users: string[] = [];
    for (const name of ['ana', 'ben']) {
      const [u] = await t.db.query<{ id: string }>(`insert into users (email, name, password_hash, color) values ($1, $1, 'x', '#123456') returning id`, [
        `${name}-${docId}@example.org`,
      ]);
      users.push(u!.id);
    }
    const [ana, ben] = users as [string, string];
    const doc = new Y.Doc();
    const text = doc.getText('t');
    const updates: { update: Uint8Array; userId: string }[] = [];
    doc.on('update', (update: Uint8Array) => updates.push({ update, userId: current }));
    let current = ana;
    text.insert(0, 'abcdefgh');
    const deleteBy = (user: string, index: number) => {
      current = user;
      text.delete(index, 1);
    };
    const appendAll = async () => appendDocUpdates(t.db, updates.splice(0).map((u) => ({ docId, ...u })));
    deleteBy(ana, 0); // a
    deleteBy(ben, 0); // b
    let seqs = await appendAll();
    expect(await compactDoc(t.db, docId, Y.encodeStateAsUpdate(doc), seqs.at(-1)!)).toBe(true);
    deleteBy(ana, 0); // c
    seqs = await appendAll();
    expect(await compactDoc(t.db, docId, Y.encodeStateAsUpdate(doc), seqs.at(-1)!)).toBe(true);
    const deleters = new Map((await listDocDeleters(t.db, docId)).map((d) => [d.userId, d.ds]));
    const client = doc.clientID;
    const deleted = (user: string) => [0, 1, 2].filter((clock) => Y.isDeleted(deleters.get(user)!, Y.createID(client, clock)));
    expect(deleted(ana)).toEqual([0, 2]);
    expect(deleted(ben)).toEqual([1]);
    expect(text.toString()).toBe('defgh');
  });
});

describe('compaction in pieces', () => {
  it('STO9: the covered rows are deleted after the snapshot commits, at most 64 per statement, and a commit issued meanwhile goes in between', async () => {
    const docId = await newSection();
    const rows = Array.from({ length: 640 }, (_, i) => entry(`k${i}`, `v${i}`));
    const seqs = await appendDocUpdates(t.db, rows.map((update) => ({ docId, update, userId: null })));
    const log: string[] = [];
    let keystroke: Promise<unknown> | null = null;
    const db = instrumented(t.db, {
      query: async <T extends Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]> => {
        const deleting = text.startsWith('delete from doc_updates');
        if (deleting) log.push(`delete ${text.slice(text.indexOf('in (')).split(',').length}`);
        const out = await t.db.query<T>(text, params);
        if (deleting && !keystroke) {
          const { snapshotSeq } = await loadDoc(t.db, docId);
          log.push(`snapshot ${snapshotSeq === seqs.at(-1) ? 'committed' : 'missing'}`);
          keystroke = appendDocUpdates(t.db, [{ docId, update: entry('typed', 'meanwhile'), userId: null }]).then(() => log.push('keystroke committed'));
        }
        return out;
      },
    });
    expect(await compactDoc(db, docId, Y.mergeUpdates(rows), seqs.at(-1)!, { snapshotSeq: -1, rows: new Set(seqs) })).toBe(true);
    await keystroke;
    const deletes = log.filter((l) => l.startsWith('delete'));
    expect(deletes).toHaveLength(10);
    for (const d of deletes) expect(Number(d.split(' ')[1])).toBeLessThanOrEqual(64);
    expect(log[1]).toBe('snapshot committed');
    const lastDelete = log.map((l) => l.startsWith('delete')).lastIndexOf(true);
    expect(log.indexOf('keystroke committed')).toBeGreaterThan(0);
    expect(log.indexOf('keystroke committed')).toBeLessThan(lastDelete);
    expect((await docLogStats(t.db, docId)).rows).toBe(1);
    expect(await storedEntries(docId)).toEqual({ ...Object.fromEntries(rows.map((_, i) => [`k${i}`, `v${i}`])), typed: 'meanwhile' });
  });
});
