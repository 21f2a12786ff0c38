import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { compactDoc } from '../../server/db/doc-compaction';
import { appendDocUpdates, docLogStats, loadDoc } from '../../server/db/doc-updates';
import { GroupCommitter } from '../../server/collab/persistence';
import { RoomRegistry } from '../../server/collab/rooms';
import { Connection } from '../../server/collab/connection';
import { closeCode } from '../../shared/protocol';
import { limits } from '../../shared/limits';
import { instrumented, openTestDatabase, type TestDatabase } from '../helpers/db';
import type { PreparedStatement, Sql } from '../../server/db/sql';
import { decodeMessage, encodeSyncStep2 } from '../../server/collab/protocol';
import { step1Frame, textUpdate, updateFrame, waitFor } from '../helpers/yclient';

let t: TestDatabase;
let sectionId: string;

async function newSection(): Promise<string> {
  const [p] = await t.db.query<{ id: string }>(`insert into proposals (title, template_id) values ('P', 'cerv-network-of-towns') returning id`);
  const [pa] = await t.db.query<{ id: string }>(`insert into partners (proposal_id, name, town, country, is_lead) values ($1, 'Bologna', 'Bologna', 'IT', true) returning id`, [p!.id]);
  const [s] = await t.db.query<{ id: string }>(
    `insert into sections (proposal_id, key, position, number, title, criterion, min_chars, max_chars, owner_partner_id)
     values ($1, $2, 1, '1', 'Relevance', 'relevance', 100, 5000, $3) returning id`,
    [p!.id, `k${Math.random()}`, pa!.id],
  );
  return s!.id;
}

const textOf = (loaded: Awaited<ReturnType<typeof loadDoc>>) => {
  const doc = new Y.Doc();
  if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
  for (const u of loaded.updates) Y.applyUpdate(doc, u);
  const s = doc.getText('t').toString();
  doc.destroy();
  return s;
};

/** A fresh section's room with one read-write connection, and a client doc whose updates queue in `sent`. */
async function writerInNewRoom(db: Sql = t.db) {
  const id = await newSection();
  const committer = new GroupCommitter(db);
  const registry = new RoomRegistry(committer, () => {}, () => {});
  const socket = { send() {}, close() {} };
  const [user] = await t.db.query<{ id: string }>(`insert into users (email, name, password_hash, color) values ($1, 'U', 'x', '#000') returning id`, [`u${Math.random()}@example.org`]);
  const stamp = { id: user!.id, name: 'U', color: '#000', partnerId: null, partnerName: null, country: null };
  const conn = new Connection(socket, { userId: user!.id, sessionId: 's', proposalId: 'p', sectionId: id, stamp, access: 'read-write' }, registry.room(id));
  registry.track(conn); // as the route does: shutdown closes tracked connections
  await conn.open();
  const client = new Y.Doc();
  const sent: Uint8Array[] = [];
  client.on('update', (u: Uint8Array) => sent.push(u));
  return { id, committer, registry, conn, client, sent };
}

/** Types `count` keystrokes at the end of the client's text through the room, committing as it goes. */
async function type(w: Awaited<ReturnType<typeof writerInNewRoom>>, count: number, ch: string) {
  for (let i = 0; i < count; i++) {
    w.client.getText('t').insert(w.client.getText('t').length, ch);
    w.conn.receive(updateFrame(w.sent.shift()!));
    if (i % 50 === 49) await w.committer.flush();
  }
  await w.committer.flush();
}

/** Another connection to `like`'s room as the same user, recording what it is sent and how it is closed. */
async function joinRoom(registry: RoomRegistry, like: Connection, access: 'read-write' | 'read-only') {
  const frames: Uint8Array[] = [];
  const closes: number[] = [];
  const c = new Connection(
    { send: (f) => frames.push(f), close: (code) => closes.push(code) },
    { userId: like.userId, sessionId: 's', proposalId: 'p', sectionId: like.sectionId, stamp: like.stamp, access },
    registry.room(like.sectionId),
  );
  await c.open();
  return { c, frames, closes };
}

beforeAll(async () => {
  t = await openTestDatabase();
  sectionId = await newSection();
});
afterAll(async () => {
  await t.dispose();
});

describe('doc log on both backends', () => {
  it('STO7: appends in order, loads as snapshot + later updates, and compaction replaces rows atomically', async () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (const ch of 'abcdef') doc.getText('t').insert(doc.getText('t').length, ch);
    const seqs = await appendDocUpdates(t.db, updates.slice(0, 4).map((update) => ({ docId: sectionId, update, userId: null })));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(textOf(await loadDoc(t.db, sectionId))).toBe('abcd');
    // Compact the first four rows; the last two arrive afterwards.
    const partial = new Y.Doc();
    for (const u of updates.slice(0, 4)) Y.applyUpdate(partial, u);
    expect(await compactDoc(t.db, sectionId, Y.encodeStateAsUpdate(partial), seqs[3]!)).toBe(true);
    await appendDocUpdates(t.db, updates.slice(4).map((update) => ({ docId: sectionId, update, userId: null })));
    const loaded = await loadDoc(t.db, sectionId);
    expect(loaded.snapshotSeq).toBe(seqs[3]);
    expect(loaded.updates).toHaveLength(2);
    expect(textOf(loaded)).toBe('abcdef');
    expect((await docLogStats(t.db, sectionId)).rows).toBe(2);
    // A stale compaction (older upto_seq) changes nothing.
    expect(await compactDoc(t.db, sectionId, new Uint8Array([0, 0]), seqs[0]!)).toBe(false);
    expect(textOf(await loadDoc(t.db, sectionId))).toBe('abcdef');
  });

  it('COL8: loads running during compactions never see half of one', async () => {
    const id = await newSection();
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    let expected = '';
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20; i++) doc.getText('t').insert(doc.getText('t').length, String(i % 10));
      expected = doc.getText('t').toString();
      const seqs = await appendDocUpdates(t.db, updates.splice(0).map((update) => ({ docId: id, update, userId: null })));
      const compaction = compactDoc(t.db, id, Y.encodeStateAsUpdate(doc), seqs[seqs.length - 1]!);
      const loads = await Promise.all([loadDoc(t.db, id), loadDoc(t.db, id), loadDoc(t.db, id)]);
      await compaction;
      for (const l of loads) expect(textOf(l)).toBe(expected);
    }
  });

  it('STO7: compaction merges the stored snapshot and the deleted rows unless the caller says its state already holds them', async () => {
    const id = await newSection();
    const stateOf = (text: string) => {
      const d = new Y.Doc();
      d.getText('t').insert(0, text);
      return { update: Y.encodeStateAsUpdate(d), d };
    };
    const first = stateOf('stored ');
    const [s1] = await appendDocUpdates(t.db, [{ docId: id, update: first.update, userId: null }]);
    expect(await compactDoc(t.db, id, first.update, s1!)).toBe(true);
    // Another instance's state, without the stored snapshot: it is read and merged.
    const other = stateOf('other ');
    const [s2] = await appendDocUpdates(t.db, [{ docId: id, update: other.update, userId: null }]);
    expect(await compactDoc(t.db, id, other.update, s2!, { snapshotSeq: s1! - 1, rows: new Set([s2!]) })).toBe(true);
    const merged = textOf(await loadDoc(t.db, id));
    expect(merged).toContain('stored');
    expect(merged).toContain('other');
    // A state that claims the stored snapshot is trusted: the snapshot is not read again (a
    // state that claims it but lacks it shows the skip; rooms claim only what their doc loaded).
    const third = stateOf('third');
    const [s3] = await appendDocUpdates(t.db, [{ docId: id, update: third.update, userId: null }]);
    expect(await compactDoc(t.db, id, third.update, s3!, { snapshotSeq: s2!, rows: new Set([s3!]) })).toBe(true);
    expect(textOf(await loadDoc(t.db, id))).toBe('third');
    // Rows: a deleted row the state does not hold is merged; one it claims is not read into the snapshot again.
    const lacked = stateOf('lacked ');
    const claimed = stateOf('claimed');
    const [s4, s5] = await appendDocUpdates(t.db, [
      { docId: id, update: lacked.update, userId: null },
      { docId: id, update: claimed.update, userId: null },
    ]);
    expect((await loadDoc(t.db, id)).seqs).toEqual([s4, s5]);
    expect(await compactDoc(t.db, id, third.update, s5!, { snapshotSeq: s3!, rows: new Set([s5!]) })).toBe(true);
    const text = textOf(await loadDoc(t.db, id));
    expect(text).toContain('lacked');
    expect(text).not.toContain('claimed');
    expect(text).toContain('third');
  });

  it('COL13: fresh clients share one whole-doc sync step 2 until the doc changes; after a load from one snapshot it is the stored bytes', async () => {
    const { id, registry, conn, client, sent } = await writerInNewRoom();
    for (const ch of 'abc') {
      client.getText('t').insert(client.getText('t').length, ch);
      conn.receive(updateFrame(sent.shift()!));
    }
    await registry.peek(id)!.settle();
    conn.close(closeCode.goingAway, 'going_away');
    await waitFor(() => registry.peek(id) === undefined, 5000, 'room unloaded after compaction');
    const stored = (await loadDoc(t.db, id)).snapshot!;

    const joiner = (access: 'read-write' | 'read-only') => joinRoom(registry, conn, access);
    const step2Of = async (frames: Uint8Array[]) => {
      await registry.peek(id)!.settle();
      const replies = frames.filter((f) => decodeMessage(f).type === 'sync-step2');
      expect(replies).toHaveLength(1);
      return replies[0]!;
    };
    const textOfUpdate = (u: Uint8Array) => {
      const d = new Y.Doc();
      Y.applyUpdate(d, u);
      return d.getText('t').toString();
    };
    const emptySv = Y.encodeStateVector(new Y.Doc());
    const a = await joiner('read-write');
    const b = await joiner('read-only');
    a.c.receive(step1Frame(emptySv));
    b.c.receive(step1Frame(emptySv));
    const replyA = await step2Of(a.frames);
    const replyB = await step2Of(b.frames);
    expect(replyA).toBe(replyB);
    expect([...replyA]).toEqual([...encodeSyncStep2(stored)]);
    const payload = (m: ReturnType<typeof decodeMessage>) => (m.type === 'sync-step2' ? m.update : new Uint8Array());
    expect(textOfUpdate(payload(decodeMessage(replyA)))).toBe('abc');

    // An edit: the next fresh client gets a new encoding with it; one holding part of the doc gets a diff.
    const edit = new Y.Doc();
    Y.applyUpdate(edit, payload(decodeMessage(replyA)));
    const edits: Uint8Array[] = [];
    edit.on('update', (u: Uint8Array) => edits.push(u));
    edit.getText('t').insert(3, 'd');
    a.c.receive(updateFrame(edits.shift()!));
    const c = await joiner('read-only');
    c.c.receive(step1Frame(emptySv));
    const replyC = await step2Of(c.frames);
    expect(replyC).not.toBe(replyA);
    expect(textOfUpdate(payload(decodeMessage(replyC)))).toBe('abcd');
    const partial = await joiner('read-only');
    partial.c.receive(step1Frame(Y.encodeStateVector(client)));
    const diff = payload(decodeMessage(await step2Of(partial.frames)));
    expect(diff.byteLength).toBeLessThan(payload(decodeMessage(replyC)).byteLength);
    const caughtUp = new Y.Doc();
    Y.applyUpdate(caughtUp, Y.encodeStateAsUpdate(client));
    Y.applyUpdate(caughtUp, diff);
    expect(caughtUp.getText('t').toString()).toBe('abcd');
    await registry.shutdown(closeCode.goingAway, 'going_away');
  });

  it("SEC7: Yjs's own follow-up transaction (origin null, as its formatting cleanup runs) is stored and relayed, and the room carries on", async () => {
    const { id, registry, conn, client, sent } = await writerInNewRoom();
    client.getText('t').insert(0, 'ab');
    conn.receive(updateFrame(sent.shift()!));
    const other = await joinRoom(registry, conn, 'read-only');
    const room = registry.peek(id)!;
    await room.settle();
    const before = other.frames.length;
    Y.transact(room.doc, () => room.doc.getText('t').insert(2, 'Z'));
    await room.settle();
    expect(other.frames.slice(before).map((f) => decodeMessage(f).type)).toEqual(['update']);
    client.getText('t').insert(0, '>');
    conn.receive(updateFrame(sent.shift()!));
    await room.settle();
    expect(textOf(await loadDoc(t.db, id))).toBe('>abZ');
    expect(other.closes).toEqual([]);
    await registry.shutdown(closeCode.goingAway, 'going_away');
  });

  it('SEC7: a doc left inside a transaction (a handler cut Yjs short) drops the room instead of growing forever; a reload has every committed update', async () => {
    const { id, committer, registry, conn, client, sent } = await writerInNewRoom();
    client.getText('t').insert(0, 'ab');
    conn.receive(updateFrame(sent.shift()!));
    const other = await joinRoom(registry, conn, 'read-write');
    const room = registry.peek(id)!;
    await room.settle();
    room.doc.on('update', () => {
      throw new Error('a handler that throws inside Yjs cleanup');
    });
    client.getText('t').insert(2, 'c');
    conn.receive(updateFrame(sent.shift()!));
    expect(other.closes).toEqual([closeCode.internalError]);
    await waitFor(() => registry.peek(id) === undefined, 5000, 'room dropped');
    await committer.flush();
    // The room's own handler ran before the throwing one: 'c' was already queued for commit and is
    // stored; the next load starts from storage, in a fresh doc.
    expect(textOf(await loadDoc(t.db, id))).toBe('abc');
    const again = await joinRoom(registry, conn, 'read-write');
    expect(registry.peek(id)!.stateKind).toBe('ready');
    expect(again.closes).toEqual([]);
    await registry.shutdown(closeCode.goingAway, 'going_away');
  });

  it('COL6: updates that arrive together share one commit (group commit)', async () => {
    const id = await newSection();
    const committer = new GroupCommitter(t.db);
    const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => committer.append(id, textUpdate(`u${i}`), null)));
    expect(new Set(seqs).size).toBe(50);
    expect(committer.commits).toBeLessThanOrEqual(2);
  });

  it('COL8: a room compacts its log past the row limit, and a reload has every update', async () => {
    const w = await writerInNewRoom();
    const { id, registry, client } = w;
    await type(w, limits.compactAfterRows + 20, 'x');
    await registry.peek(id)!.settle();
    await waitFor(async () => (await docLogStats(t.db, id)).rows < limits.compactAfterRows, 5000, 'compacted');
    expect(textOf(await loadDoc(t.db, id))).toBe(client.getText('t').toString());
    await registry.shutdown(closeCode.goingAway, 'going_away');
  });

  it('COL8: a room that empties compacts whatever rows it has, so the next load reads one snapshot', async () => {
    const { id, registry, conn, client, sent } = await writerInNewRoom();
    for (let i = 0; i < 30; i++) {
      client.getText('t').insert(i, 'y');
      conn.receive(updateFrame(sent.shift()!));
    }
    await registry.peek(id)!.settle();
    expect((await docLogStats(t.db, id)).rows).toBe(30);
    conn.close(closeCode.goingAway, 'going_away');
    await waitFor(() => registry.peek(id) === undefined, 5000, 'room unloaded');
    expect((await docLogStats(t.db, id)).rows).toBe(0);
    const loaded = await loadDoc(t.db, id);
    expect(loaded.updates).toHaveLength(0);
    expect(textOf(loaded)).toBe('y'.repeat(30));
    await registry.shutdown(closeCode.goingAway, 'going_away');
  });
});

describe('what a room leaves in the log', () => {
  it('COL8: a room that empties during a busy compaction compacts the rows committed after it before it unloads', async () => {
    let release: (() => void) | null = null;
    // The busy compaction waits at its first transaction until the room has emptied.
    const db = instrumented(t.db, {
      transaction: async (fn) => {
        if (release === null) await new Promise<void>((resolve) => (release = resolve));
        return t.db.transaction(fn);
      },
    });
    const w = await writerInNewRoom(db);
    await type(w, limits.compactAfterRows + 1, 'a');
    await waitFor(() => release !== null, 5000, 'the busy compaction started');
    await type(w, 30, 'b');
    w.conn.close(closeCode.goingAway, 'going_away');
    expect(w.registry.peek(w.id)?.stateKind).toBe('unloading');
    release!();
    await waitFor(() => w.registry.peek(w.id) === undefined, 10_000, 'room unloaded');
    expect((await docLogStats(t.db, w.id)).rows).toBe(0);
    const loaded = await loadDoc(t.db, w.id);
    expect(loaded.updates).toHaveLength(0);
    expect(textOf(loaded)).toBe('a'.repeat(limits.compactAfterRows + 1) + 'b'.repeat(30));
    await w.registry.shutdown(closeCode.goingAway, 'going_away');
  });

  it('COL11: shutdown waits for each room to compact what it has left, so the next start loads one snapshot', async () => {
    const w = await writerInNewRoom();
    await type(w, 40, 'c');
    expect((await docLogStats(t.db, w.id)).rows).toBe(40);
    await w.registry.shutdown(closeCode.goingAway, 'going_away');
    expect((await docLogStats(t.db, w.id)).rows).toBe(0);
    expect(textOf(await loadDoc(t.db, w.id))).toBe('c'.repeat(40));
  });
});

describe('the log append hot path', () => {
  const probe: PreparedStatement = {
    name: 'twinpad_test_probe',
    text: 'select $1::uuid as id, $2::bytea as bytes, $3::int8 as n, $4::uuid as maybe',
    types: ['uuid', 'bytea', 'int8', 'uuid?'],
  };

  it('STO8: a prepared statement returns the same typed rows on both backends, again and again', async () => {
    const id = '7f0c7b9e-4a61-4f8e-9b3a-2f7d1f0c9a11';
    for (let i = 0; i < 3; i++) {
      const [row] = await t.db.execute<{ id: string; bytes: Uint8Array; n: number; maybe: string | null }>(probe, [id, new Uint8Array([0, 1, 255]), 9007199254740 + i, null]);
      expect(row?.id).toBe(id);
      expect([...(row?.bytes ?? [])]).toEqual([0, 1, 255]);
      expect(row?.n).toBe(9007199254740 + i);
      expect(row?.maybe).toBeNull();
    }
  });

  it('STO8: a value of the wrong type never reaches SQL, and a database error rejects with its message', async () => {
    // A section with a known log, and the whole table's size, to compare after the attempt.
    const id = await newSection();
    await appendDocUpdates(t.db, [{ docId: id, update: textUpdate('kept one'), userId: null }]);
    await appendDocUpdates(t.db, [{ docId: id, update: textUpdate('kept two'), userId: null }]);
    const logBefore = await loadDoc(t.db, id);
    const tableRows = async () => (await t.db.query<{ n: number }>('select count(*)::int as n from doc_updates'))[0]?.n;
    const rowsBefore = await tableRows();
    const quoteBreak = "7f0c7b9e-4a61-4f8e-9b3a-2f7d1f0c9a11'); drop table doc_updates; --";
    await expect(t.db.execute(probe, [quoteBreak, new Uint8Array(), 1, null])).rejects.toThrow(/not a uuid|invalid input syntax for type uuid/);
    // The table is still there and holds exactly what it held.
    expect(await t.db.query(`select to_regclass('doc_updates') is not null as present`)).toEqual([{ present: true }]);
    expect(await tableRows()).toBe(rowsBefore);
    expect((await docLogStats(t.db, id)).rows).toBe(2);
    expect(await loadDoc(t.db, id)).toEqual(logBefore);
    const failing: PreparedStatement = { name: 'twinpad_test_fails', text: 'select 1 / ($1::int8 - $1::int8) as x', types: ['int8'] };
    await expect(t.db.execute(failing, [3])).rejects.toThrow(/division by zero/);
    // The connection is still usable after the error.
    const [row] = await t.db.execute<{ n: number }>(probe, ['7f0c7b9e-4a61-4f8e-9b3a-2f7d1f0c9a11', new Uint8Array([7]), 5, null]);
    expect(row?.n).toBe(5);
  });

  it('STO8: single appends get increasing seqs, and deleting a section deletes its log (trigger, no foreign key)', async () => {
    const id = await newSection();
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) seqs.push(...(await appendDocUpdates(t.db, [{ docId: id, update: textUpdate(`x${i}`), userId: null }])));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(3);
    expect((await docLogStats(t.db, id)).rows).toBe(3);
    await t.db.query('delete from sections where id = $1', [id]);
    expect((await docLogStats(t.db, id)).rows).toBe(0);
  });
});
