import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  proposalChangesResponseSchema,
  restoreResponseSchema,
  sectionChangesResponseSchema,
  snapshotSectionResponseSchema,
  type DiffRun,
} from '../../shared/schemas/history';
import { sectionResponseSchema } from '../../shared/schemas/domain';
import { snapshotListSchema, snapshotResponseSchema } from '../../shared/schemas/review';
import { auditPageSchema } from '../../shared/schemas/domain';
import { storedSectionState } from '../../server/commands/take-snapshot';
import { compactDoc } from '../../server/db/doc-compaction';
import { textBlocksOfState } from '../../server/history/text-blocks';
import { openEventStream, type EventStream } from '../helpers/event-stream';
import { signUp, seedWorkshop, type Workshop } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { fragmentText, stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';

let server: TestServer;
let w: Workshop;
const clients: StockClient[] = [];
const track = (c: StockClient) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer();
  w = await seedWorkshop(server);
});
const streams: EventStream[] = [];
afterAll(async () => {
  for (const s of streams) s.close();
  for (const c of clients) c.destroy();
  await server?.stop();
});

/** A section owned by `partnerId` (the coordinator reassigns one when needed). */
async function sectionOwnedBy(partnerId: string, index: number): Promise<string> {
  const section = w.proposal.sections[index]!;
  if (section.ownerPartnerId !== partnerId) {
    const res = await w.coordinator.patch(`/api/sections/${section.id}`, { ownerPartnerId: partnerId });
    expect(res.status).toBe(200);
  }
  return section.id;
}

async function snapshot(name: string): Promise<string> {
  const res = await w.coordinator.post(`/api/proposals/${w.proposal.id}/snapshots`, { name });
  expect(res.status).toBe(201);
  return snapshotResponseSchema.parse(res.body).snapshot.id;
}

const storedText = async (sectionId: string) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, (await storedSectionState(server.ctx.db, sectionId)).state);
  return fragmentText(doc);
};

/** Replaces the text of the paragraph at `index` in one transaction: delete `from..from+len`, insert `text` there. */
function edit(c: StockClient, index: number, from: number, len: number, text: string): void {
  c.doc.transact(() => {
    const p = c.text.get(index) as Y.XmlElement;
    const t = p.get(0) as Y.XmlText;
    if (len > 0) t.delete(from, len);
    if (text) t.insert(from, text);
  });
}

describe('history: restore', () => {
  it('HIS1: a restore brings the section back to exactly the snapshot\'s text while two clients are connected; they converge, the store agrees, and an audit event is written', async () => {
    const sectionId = await sectionOwnedBy(w.partners.bologna.id, 0);
    const a = track(stockClient(server.url, sectionId, w.editors.bologna));
    const b = track(stockClient(server.url, sectionId, w.coordinator));
    await waitFor(() => a.provider.synced && b.provider.synced, 5000, 'both synced');
    typeParagraph(a, 'Young people shape the town.');
    typeParagraph(a, 'Second paragraph stays.');
    await waitFor(() => fragmentText(b.doc) === fragmentText(a.doc), 5000, 'b sees A');
    const textA = fragmentText(a.doc);
    await waitFor(async () => (await storedText(sectionId)) === textA, 5000, 'A stored');
    const snapId = await snapshot('Before the rewrite');

    // Text B: a deletes the first paragraph, b edits the second and adds one.
    a.doc.transact(() => a.text.delete(0, 1));
    edit(b, 0, 0, 6, 'Second');
    typeParagraph(b, 'A brand new ending.');
    await waitFor(() => fragmentText(a.doc) === fragmentText(b.doc) && !fragmentText(a.doc).includes('Young'), 5000, 'B converged');
    expect(fragmentText(a.doc)).not.toBe(textA);

    const res = await w.editors.bologna.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(sectionResponseSchema.parse(res.body).section.id).toBe(sectionId);
    await waitFor(() => fragmentText(a.doc) === textA && fragmentText(b.doc) === textA, 5000, 'both clients back at A');
    expect(await storedText(sectionId)).toBe(textA);
    // A later edit on top of the restore still converges (the restore is an ordinary forward edit).
    typeParagraph(b, 'After the restore.');
    const after = textA + '<paragraph>After the restore.</paragraph>';
    await waitFor(() => fragmentText(a.doc) === after && fragmentText(b.doc) === after, 5000, 'converge after');
    await waitFor(async () => (await storedText(sectionId)) === after, 5000, 'stored after');

    const audit = await w.coordinator.get(`/api/proposals/${w.proposal.id}/audit`);
    const restored = auditPageSchema.parse(audit.body).events.filter((e) => e.action === 'section.restored' && e.sectionId === sectionId);
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({ actorId: w.editors.bologna.user.id, data: { snapshotId: snapId } });
  });

  it('HIS1: a reviewer and another partner\'s editor get 403, a non-member 404, a locked section 409; restoring with nobody connected still works', async () => {
    const sectionId = await sectionOwnedBy(w.partners.bologna.id, 1);
    const a = track(stockClient(server.url, sectionId, w.editors.bologna));
    await waitFor(() => a.provider.synced, 5000, 'synced');
    typeParagraph(a, 'Original words here.');
    await waitFor(async () => (await storedText(sectionId)) === fragmentText(a.doc), 5000, 'stored');
    const textA = fragmentText(a.doc);
    const snapId = await snapshot('Offline restore');
    edit(a, 0, 0, 8, 'Changed');
    await waitFor(async () => (await storedText(sectionId)).includes('Changed'), 5000, 'change stored');
    a.destroy();

    expect((await w.reviewer.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapId })).status).toBe(403);
    expect((await w.editors.lulea.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapId })).status).toBe(403);
    const stranger = await signUp(server);
    expect((await stranger.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapId })).status).toBe(404);
    expect((await w.coordinator.post(`/api/sections/${sectionId}/restore`, { snapshotId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);

    // Nobody connected (the room may still be unloading): the restore goes to the store.
    const ok = await w.coordinator.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapId });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await storedText(sectionId)).toBe(textA);

    for (const status of ['drafting', 'ready_for_review', 'in_review', 'approved']) {
      const r = await w.coordinator.patch(`/api/sections/${sectionId}`, status === 'approved' ? { status, justification: 'Approved short for the test (VRD9)' } : { status });
      expect(r.status, `${status}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    expect((await w.coordinator.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapId })).status).toBe(409);
  });

  it('HIS2: members open a snapshot\'s section read-only as text blocks; a non-member gets 404', async () => {
    const sectionId = w.proposal.sections[0]!.id;
    const list = await w.reviewer.get(`/api/proposals/${w.proposal.id}/snapshots`);
    const snap = snapshotListSchema.parse(list.body).snapshots.find((s) => s.name === 'Before the rewrite' && s.kind === 'manual');
    expect(snap).toBeDefined();
    const res = await w.reviewer.get(`/api/snapshots/${snap!.id}/sections/${sectionId}`);
    expect(res.status).toBe(200);
    const body = snapshotSectionResponseSchema.parse(res.body);
    expect(body.blocks).toEqual([
      { kind: 'paragraph', level: null, text: 'Young people shape the town.' },
      { kind: 'paragraph', level: null, text: 'Second paragraph stays.' },
    ]);
    expect(body.chars).toBe('Young people shape the town.\nSecond paragraph stays.'.length);
    const stranger = await signUp(server);
    expect((await stranger.get(`/api/snapshots/${snap!.id}/sections/${sectionId}`)).status).toBe(404);
    expect((await w.reviewer.get(`/api/snapshots/${snap!.id}/sections/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });
});

/** The stored section's blocks, as text. */
const storedBlocks = async (sectionId: string) => textBlocksOfState((await storedSectionState(server.ctx.db, sectionId)).state).map((b) => b.text);

describe('history: a restore is safe', () => {
  it('WSH12: a restore first keeps the live text it replaces as an automatic "before restoring" snapshot, exactly: a stock client typing through the restore has each paragraph either in that snapshot or still live, never both, never neither; the audit event names both snapshots', async () => {
    const sectionId = await sectionOwnedBy(w.partners.bologna.id, 5);
    const bruno = track(stockClient(server.url, sectionId, w.editors.bologna));
    await waitFor(() => bruno.provider.synced, 5000, 'synced');
    typeParagraph(bruno, 'The text the snapshot keeps.');
    await waitFor(async () => (await storedText(sectionId)) === fragmentText(bruno.doc), 5000, 'stored');
    const restoredName = 'Kept for a restore';
    const snapId = await snapshot(restoredName);
    bruno.doc.transact(() => bruno.text.delete(0, bruno.text.length));
    typeParagraph(bruno, 'Live text the restore replaces.');

    // Bruno keeps typing, a paragraph a millisecond (as fast as timers go), while the coordinator restores.
    const typed: string[] = [];
    const timer = setInterval(() => {
      const word = `typed-${String(typed.length + 1).padStart(3, '0')}`;
      typed.push(word);
      typeParagraph(bruno, word);
    }, 1);
    let res: Awaited<ReturnType<typeof w.coordinator.post>>;
    try {
      await waitFor(() => typed.length >= 10, 5000, 'typing started');
      res = await w.coordinator.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapId });
      const until = typed.length + 10;
      await waitFor(() => typed.length >= until, 5000, 'typing went on');
    } finally {
      clearInterval(timer);
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { backupSnapshotId } = restoreResponseSchema.parse(res.body);
    await waitFor(async () => (await storedText(sectionId)) === fragmentText(bruno.doc), 5000, 'everything stored');

    // The automatic snapshot: a section snapshot by the coordinator, named with the restored snapshot's name.
    const { snapshots } = snapshotListSchema.parse((await w.editors.bologna.get(`/api/proposals/${w.proposal.id}/snapshots`)).body);
    const backup = snapshots.find((s) => s.id === backupSnapshotId);
    expect(backup).toMatchObject({ kind: 'before_restore', name: restoredName, sectionId, createdBy: { id: w.coordinator.user.id } });
    const held = await w.editors.bologna.get(`/api/snapshots/${backupSnapshotId}/sections/${sectionId}`);
    expect(held.status).toBe(200);
    const backupTexts = snapshotSectionResponseSchema.parse(held.body).blocks.map((b) => b.text);
    const live = await storedBlocks(sectionId);

    // It holds exactly what the restore replaced: the live text, and each paragraph typed before the restore.
    expect(backupTexts[0]).toBe('Live text the restore replaces.');
    expect(live).toContain('The text the snapshot keeps.');
    expect(live).not.toContain('Live text the restore replaces.');
    const inBackup = backupTexts.slice(1);
    expect(inBackup).toEqual(typed.slice(0, inBackup.length));
    const lostOrTwice = typed.filter((word) => inBackup.includes(word) === live.includes(word));
    expect(lostOrTwice).toEqual([]);
    expect(live.filter((t) => t !== 'The text the snapshot keeps.')).toEqual(typed.slice(inBackup.length));

    const audit = auditPageSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/audit`)).body).events;
    const restored = audit.find((e) => e.action === 'section.restored' && e.sectionId === sectionId);
    expect(restored?.data).toMatchObject({ snapshotId: snapId, name: restoredName, backupSnapshotId });
    expect(restored?.actorId).toBe(w.coordinator.user.id);
  });

  it('WSH13: every open page of the proposal is told at once: a member\'s event stream gets a `restored` event with the section, who restored, which snapshot, and the automatic one, as ids and names', async () => {
    const sectionId = await sectionOwnedBy(w.partners.bologna.id, 6);
    const bruno = track(stockClient(server.url, sectionId, w.editors.bologna));
    await waitFor(() => bruno.provider.synced, 5000, 'synced');
    typeParagraph(bruno, 'First words.');
    await waitFor(async () => (await storedText(sectionId)) === fragmentText(bruno.doc), 5000, 'stored');
    const snapId = await snapshot('Streamed restore');
    typeParagraph(bruno, 'Second words.');
    await waitFor(async () => (await storedText(sectionId)) === fragmentText(bruno.doc), 5000, 'stored again');

    const stream = await openEventStream(server.url, w.editors.bologna.cookie, w.proposal.id);
    streams.push(stream);
    expect(stream.status).toBe(200);
    await waitFor(() => stream.events.length > 0, 5000, 'stream open');
    const res = await w.coordinator.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { backupSnapshotId } = restoreResponseSchema.parse(res.body);
    await waitFor(() => stream.events.some((e) => e.type === 'restored'), 5000, 'restored event');
    expect(stream.events.filter((e) => e.type === 'restored')).toEqual([
      {
        type: 'restored',
        sectionId,
        snapshotId: snapId,
        snapshotLabel: { kind: 'manual', params: { name: 'Streamed restore' } },
        backupSnapshotId,
        by: { id: w.coordinator.user.id, name: 'Chiara Coordinator' },
      },
    ]);
  });
});

const runsText = (runs: DiffRun[], op: DiffRun['op']) => runs.filter((r) => r.op === op).map((r) => r.text);

describe('history: what changed since', () => {
  it('HIS3: scripted edits by two partners\' editors give word-level insertions and deletions attributed to each person and partner', async () => {
    const sectionId = await sectionOwnedBy(w.partners.lulea.id, 2);
    const lena = track(stockClient(server.url, sectionId, w.editors.lulea));
    await waitFor(() => lena.provider.synced, 5000, 'synced');
    typeParagraph(lena, 'The quick brown fox jumps');
    await waitFor(async () => (await storedText(sectionId)).includes('jumps'), 5000, 'stored');
    const since = await snapshot('Before the workshop');

    // Lena (Luleå) deletes "quick " and appends " high"; then Carmen (La Coruña) gets the section and replaces "brown" with "red".
    edit(lena, 0, 4, 6, '');
    edit(lena, 0, 'The brown fox jumps'.length, 0, ' high');
    await waitFor(async () => (await storedText(sectionId)).includes('jumps high'), 5000, 'lena stored');
    await sectionOwnedBy(w.partners.laCoruna.id, 2);
    const carmen = track(stockClient(server.url, sectionId, w.editors.laCoruna));
    await waitFor(() => carmen.provider.synced && fragmentText(carmen.doc).includes('high'), 5000, 'carmen synced');
    edit(carmen, 0, 4, 5, 'red');
    await waitFor(async () => (await storedText(sectionId)).includes('The red fox'), 5000, 'carmen stored');

    const res = await w.reviewer.get(`/api/sections/${sectionId}/changes?since=${since}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { section } = sectionChangesResponseSchema.parse(res.body);
    expect(section.changed).toBe(true);
    const runs = section.runs;
    // Old text from same+delete runs, new text from same+insert runs.
    expect(runs.filter((r) => r.op !== 'insert').map((r) => r.text).join('')).toBe('The quick brown fox jumps');
    expect(runs.filter((r) => r.op !== 'delete').map((r) => r.text).join('')).toBe('The red fox jumps high');
    const by = (op: 'insert' | 'delete', text: string) => runs.find((r) => r.op === op && r.text.includes(text));
    const quick = by('delete', 'quick');
    const brown = by('delete', 'brown');
    const red = by('insert', 'red');
    const high = by('insert', 'high');
    expect(quick?.op === 'delete' && quick.author.name).toBe('Lena Luleå');
    expect(quick?.op === 'delete' && quick.author.partnerName).toBe('Luleå kommun');
    expect(brown?.op === 'delete' && brown.author.name).toBe('Carmen Coruña');
    expect(red?.op === 'insert' && red.author.country).toBe('ES');
    expect(high?.op === 'insert' && high.author.name).toBe('Lena Luleå');
    expect(runsText(runs, 'same').join('')).toContain('fox jumps');

    const lulea = section.byPartner.find((p) => p.partnerId === w.partners.lulea.id);
    const coruna = section.byPartner.find((p) => p.partnerId === w.partners.laCoruna.id);
    expect(lulea).toMatchObject({ insertedChars: ' high'.length, deletedChars: 'quick '.length });
    expect(coruna).toMatchObject({ insertedChars: 'red'.length, deletedChars: 'brown'.length });
    expect(lulea?.people).toEqual([{ userId: w.editors.lulea.user.id, name: 'Lena Luleå', insertedChars: 5, deletedChars: 6 }]);

    // The whole proposal: the same section diff plus totals; untouched sections are unchanged.
    const all = await w.editors.helsinki.get(`/api/proposals/${w.proposal.id}/changes?since=${since}`);
    expect(all.status).toBe(200);
    const body = proposalChangesResponseSchema.parse(all.body);
    expect(body.sections.find((s) => s.sectionId === sectionId)?.runs).toEqual(runs);
    expect(body.sections.filter((s) => s.changed).map((s) => s.sectionId)).toEqual([sectionId]);
    expect(body.byPartner.find((p) => p.partnerId === w.partners.laCoruna.id)?.insertedChars).toBe(3);

    const stranger = await signUp(server);
    expect((await stranger.get(`/api/sections/${sectionId}/changes?since=${since}`)).status).toBe(404);
    expect((await w.reviewer.get(`/api/sections/${sectionId}/changes`)).status).toBe(400);
  });

  it('HIS8: after compaction removes the log rows, insertions keep their authors (doc_clients) and deletions their deleters (doc_deleters)', async () => {
    const sectionId = await sectionOwnedBy(w.partners.helsinki.id, 4);
    const heikki = track(stockClient(server.url, sectionId, w.editors.helsinki));
    await waitFor(() => heikki.provider.synced, 5000, 'synced');
    typeParagraph(heikki, 'Alpha beta gamma');
    await waitFor(async () => (await storedText(sectionId)).includes('gamma'), 5000, 'stored');
    const since = await snapshot('Before compaction');
    edit(heikki, 0, 'Alpha beta gamma'.length, 0, ' delta');
    edit(heikki, 0, 0, 6, '');
    await waitFor(async () => (await storedText(sectionId)).includes('>beta gamma delta<'), 5000, 'edits stored');

    const db = server.ctx.db;
    const [top] = await db.query<{ seq: number }>(`select max(seq)::int8 as seq from doc_updates where doc_id = $1`, [sectionId]);
    expect(await compactDoc(db, sectionId, (await storedSectionState(db, sectionId)).state, top!.seq)).toBe(true);
    expect(await db.query(`select seq from doc_updates where doc_id = $1`, [sectionId])).toEqual([]);
    // A later edit by another client (the coordinator's): Heikki's client now appears in no log row.
    const chiara = track(stockClient(server.url, sectionId, w.coordinator));
    await waitFor(() => chiara.provider.synced && fragmentText(chiara.doc).includes('delta'), 5000, 'chiara synced');
    edit(chiara, 0, 'beta gamma delta'.length, 0, ' epsilon');
    await waitFor(async () => (await storedText(sectionId)).includes('epsilon'), 5000, 'late edit stored');

    const res = await w.coordinator.get(`/api/sections/${sectionId}/changes?since=${since}`);
    expect(res.status).toBe(200);
    const { section } = sectionChangesResponseSchema.parse(res.body);
    const inserted = section.runs.filter((r) => r.op === 'insert');
    expect(inserted.map((r) => [r.text, r.op === 'insert' && r.author.userId])).toEqual([
      [' delta', w.editors.helsinki.user.id],
      [' epsilon', w.coordinator.user.id],
    ]);
    const alpha = section.runs.find((r) => r.op === 'delete' && r.text.includes('Alpha'));
    expect(alpha?.op === 'delete' && alpha.author.userId).toBe(w.editors.helsinki.user.id);
    expect(section.byPartner.find((p) => p.partnerId === null)).toBeUndefined();
    expect(section.byPartner.find((p) => p.partnerId === w.partners.helsinki.id)).toMatchObject({ insertedChars: ' delta'.length, deletedChars: 'Alpha '.length });
    expect(section.byPartner.find((p) => p.partnerId === w.partners.bologna.id)).toMatchObject({ insertedChars: ' epsilon'.length, deletedChars: 0 });
  });
});
