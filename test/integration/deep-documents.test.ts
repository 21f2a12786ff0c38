import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { limits } from '../../shared/limits';
import { closeCode } from '../../shared/protocol';
import { sectionField } from '../../shared/document/model';
import { sectionText } from '../../shared/document/text-blocks';
import { findTooDeepInDoc } from '../../shared/document/update-depth';
import { appendDocUpdates } from '../../server/db/doc-updates';
import { listAudit } from '../../server/db/audit';
import { snapshotSectionState } from '../../server/db/snapshots';
import { repairSection } from '../../server/commands/repair-section';
import { startTestServer, type TestServer } from '../helpers/server';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { watchOtherRoom, type Bystanders } from '../helpers/bystanders';
import { writeNestedQuotes } from '../helpers/nested-quotes';
import { deletionUpdate, fragmentText, rawClient, stockClient, typeParagraph, updateFrame, waitFor } from '../helpers/yclient';
import { readStored } from '../helpers/stored';

const limit = limits.maxDocumentDepth;

let server: TestServer;
let world: CollabWorld;
let bystanders: Bystanders | undefined;

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
  bystanders = await watchOtherRoom(server, world);
});
afterAll(async () => {
  bystanders?.destroy();
  await server?.stop();
});

/** The other room still syncs: a paragraph typed by one bystander reaches the other. */
const otherRoomStillSyncs = (): Promise<void> => bystanders!.stillSync();

const writeNested = writeNestedQuotes;

/** The update of a fresh doc holding `depth` nested quotes (see writeNested). */
function nestedUpdate(depth: number, label = 'level'): Uint8Array {
  const doc = new Y.Doc();
  writeNested(doc, depth, label);
  const u = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return u;
}

const storedText = (sectionId: string) => readStored(server.database.db, sectionId, (d) => sectionText(d));

async function exportsContain(text: string): Promise<void> {
  for (const format of ['md', 'html', 'docx'] as const) {
    const res = await fetch(`${server.url}/api/proposals/${world.proposal.id}/export?format=${format}`, { headers: { cookie: world.coordinator.cookie! } });
    expect(res.status, format).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    if (format !== 'docx') expect(body.toString('utf8'), format).toContain(text);
    else expect(body.byteLength).toBeGreaterThan(0);
  }
}

async function takeSnapshot(name: string): Promise<string> {
  const res = await world.coordinator.post(`/api/proposals/${world.proposal.id}/snapshots`, { name });
  expect(res.status).toBe(201);
  return (res.body as { snapshot: { id: string } }).snapshot.id;
}

describe('SEC9: an update that would nest the document too deep is refused before it is stored', () => {
  it('SEC9 depth 64 through a stock client is accepted, stored, exported (md, html, docx), snapshotted and restored exactly', async () => {
    const sectionId = world.sectionIds[0]!;
    const client = stockClient(server.url, sectionId, world.coordinator);
    await waitFor(() => client.provider.synced, 5000, 'synced');
    writeNested(client.doc, limit, 'at limit');
    await waitFor(async () => (await storedText(sectionId)).includes(`at limit ${limit}`), 5000, 'depth 64 stored');
    expect(client.closes).toEqual([]);
    const stored = await readStored(server.database.db, sectionId, (d) => ({ tooDeep: findTooDeepInDoc(d), xml: fragmentText(d) }));
    expect(stored.tooDeep).toBeNull();
    expect(stored.xml).toBe(fragmentText(client.doc));
    await exportsContain(`at limit ${limit}`);

    const snapId = await takeSnapshot('At the depth limit');
    typeParagraph(client, 'Written after the snapshot.');
    await waitFor(async () => (await storedText(sectionId)).includes('Written after the snapshot.'), 5000, 'later edit stored');
    const res = await world.coordinator.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapId });
    expect(res.status).toBe(200);
    await waitFor(async () => (await readStored(server.database.db, sectionId, fragmentText)) === stored.xml, 5000, 'restored exactly');
    await waitFor(() => fragmentText(client.doc) === stored.xml, 5000, 'client has the restore');
    expect(client.closes).toEqual([]);
    client.destroy();
  });

  it('SEC9 depth 65 through a stock client is refused with 4414 and nothing of it is stored', async () => {
    const sectionId = world.sectionIds[1]!;
    const client = stockClient(server.url, sectionId, world.coordinator);
    await waitFor(() => client.provider.synced, 5000, 'synced');
    typeParagraph(client, 'Before the deep edit.');
    await waitFor(async () => (await storedText(sectionId)).includes('Before the deep edit.'), 5000, 'first edit stored');
    const before = await readStored(server.database.db, sectionId, (d) => Y.encodeStateVector(d));
    writeNested(client.doc, limit + 1, 'too deep');
    await waitFor(() => client.closes.length > 0, 5000, 'closed');
    expect(client.closes[0]!.code).toBe(closeCode.documentTooDeep);
    // Final: the stock client does not reconnect, and the store holds nothing of the refused update.
    expect(await readStored(server.database.db, sectionId, (d) => Y.encodeStateVector(d))).toEqual(before);
    expect(await storedText(sectionId)).toBe('Before the deep edit.');
    client.destroy();
    await otherRoomStillSyncs();
  });

  it('SEC9 a 10,000-deep update (about 205 KB) is refused with 4414 without a stack overflow; the server stays up and other rooms carry on', async () => {
    const sectionId = world.sectionIds[2]!;
    const update = nestedUpdate(10_000, 'pit');
    expect(update.byteLength).toBeGreaterThan(200_000);
    const raw = await rawClient(server.url, sectionId, world.coordinator.cookie);
    raw.send(updateFrame(update));
    await waitFor(() => raw.closed !== null, 10_000, 'socket closed');
    expect(raw.closed!.code).toBe(closeCode.documentTooDeep);
    expect(await storedText(sectionId)).toBe('');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await otherRoomStillSyncs();
    // The section itself still works.
    const client = stockClient(server.url, sectionId, world.coordinator);
    await waitFor(() => client.provider.synced, 5000, 'synced');
    typeParagraph(client, 'Still writable.');
    await waitFor(async () => (await storedText(sectionId)) === 'Still writable.', 5000, 'stored');
    client.destroy();
  });
});

/**
 * A document stored before the limit existed, as a pre-limit server wrote it: a
 * heading, then `depth` nested quotes; a paragraph every `every` levels and at the
 * bottom, and a second deep branch beside the first. Returns the update and its text.
 */
function preLimitDocument(depth: number, every = 1000): { update: Uint8Array; text: string } {
  const doc = new Y.Doc();
  doc.transact(() => {
    const fragment = doc.getXmlFragment(sectionField);
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', '2');
    heading.insert(0, [new Y.XmlText('Above the pit')]);
    fragment.insert(0, [heading]);
    for (const branch of ['left', 'right']) {
      let parent: Y.XmlFragment | Y.XmlElement = fragment;
      for (let i = 1; i <= depth; i++) {
        const quote = new Y.XmlElement(i % 3 === 0 ? 'bulletList' : i % 3 === 1 ? 'blockquote' : 'listItem');
        parent.insert(parent.length, [quote]);
        if (i % every === 0 || i === depth) {
          const p = new Y.XmlElement('paragraph');
          quote.insert(0, [p]);
          p.insert(0, [new Y.XmlText(`${branch} ${i}: ünïcödé ✓ text`)]);
        }
        parent = quote;
      }
    }
  });
  const update = Y.encodeStateAsUpdate(doc);
  const text = sectionText(doc);
  doc.destroy();
  return { update, text };
}

async function storeDirectly(sectionId: string, update: Uint8Array): Promise<void> {
  await appendDocUpdates(server.database.db, [{ docId: sectionId, update, userId: null }]);
}

const storedDepth = (sectionId: string) => readStored(server.database.db, sectionId, (d) => findTooDeepInDoc(d));

describe('SEC9: server-side edits are held to the same limit', () => {
  it('SEC9 ctx.collab.applyServerEdit that would nest 65 deep is refused and nothing of it is stored, through a live room and on the stored doc; 64 goes through', async () => {
    const sectionId = world.sectionIds[6]!;
    const userId = world.coordinator.user.id;
    const client = stockClient(server.url, sectionId, world.coordinator);
    await waitFor(() => client.provider.synced, 5000, 'synced');
    typeParagraph(client, 'Live text.');
    await waitFor(async () => (await storedText(sectionId)) === 'Live text.', 5000, 'stored');
    // Live room: the edit is refused, the room is dropped (its doc held the unstored edit), the store is untouched.
    await expect(server.ctx.collab.applyServerEdit(sectionId, userId, (doc) => writeNested(doc, limit + 1, 'server'))).rejects.toThrow(/too deep/);
    await waitFor(() => client.closes.length > 0, 5000, 'room dropped');
    expect(await storedText(sectionId)).toBe('Live text.');
    client.destroy();
    await waitFor(() => server.ctx.collab.registry.peek(sectionId) === undefined || server.ctx.collab.registry.peek(sectionId)?.stateKind === 'unloaded', 5000, 'room gone');
    // No room: the edit is made on the stored doc, and refused there.
    await expect(server.ctx.collab.applyServerEdit(sectionId, userId, (doc) => writeNested(doc, limit + 1, 'stored'))).rejects.toThrow(/too deep/);
    expect(await storedText(sectionId)).toBe('Live text.');
    // At the limit it goes through.
    await server.ctx.collab.applyServerEdit(sectionId, userId, (doc) => writeNested(doc, limit, 'ok'));
    expect(await storedText(sectionId)).toContain(`ok ${limit}`);
    expect(await storedDepth(sectionId)).toBeNull();
  });
});

describe('SEC10: a section stored too deep before the limit still loads, exports, restores and can be repaired', () => {
  it('SEC10 a 10,000-deep stored section loads: a client joins and syncs it, the room stays up, and a deletion of the deep subtree is refused with 4414', async () => {
    const sectionId = world.sectionIds[3]!;
    const { update, text } = preLimitDocument(10_000);
    await storeDirectly(sectionId, update);
    const client = stockClient(server.url, sectionId, world.coordinator);
    await waitFor(() => client.provider.synced, 10_000, 'synced');
    expect(sectionText(client.doc)).toBe(text);
    // A crafted deletion of the deep branch (ids are all a client needs) would overflow inside Yjs: refused.
    const raw = await rawClient(server.url, sectionId, world.coordinator.cookie);
    const top = client.text.get(1) as Y.XmlElement;
    raw.send(updateFrame(deletionUpdate(top._item!.id.client, top._item!.id.clock, 1)));
    await waitFor(() => raw.closed !== null, 10_000, 'socket closed');
    expect(raw.closed!.code).toBe(closeCode.documentTooDeep);
    // The room is still there for the connected client, and an ordinary edit is stored.
    typeParagraph(client, 'Typed beside the pit.');
    await waitFor(async () => (await storedText(sectionId)).includes('Typed beside the pit.'), 5000, 'edit stored');
    expect(client.closes).toEqual([]);
    client.destroy();
    await otherRoomStillSyncs();
  });

  it('SEC10 the deep section exports (md, html, docx) and snapshots; restoring its snapshot repairs first and restores it flattened, every text kept', async () => {
    const sectionId = world.sectionIds[3]!;
    const before = await storedText(sectionId);
    expect(before).toContain('left 10000');
    await exportsContain('right 10000: ünïcödé ✓ text');
    const snapId = await takeSnapshot('The pit');
    const res = await world.coordinator.post(`/api/sections/${sectionId}/restore`, { snapshotId: snapId });
    expect(res.status).toBe(200);
    expect(await storedDepth(sectionId)).toBeNull();
    expect(await storedText(sectionId)).toBe(before);
    const client = stockClient(server.url, sectionId, world.coordinator);
    await waitFor(() => client.provider.synced, 10_000, 'synced after restore');
    expect(sectionText(client.doc)).toBe(before);
    client.destroy();
  });
});

describe('SEC10: the operator repair', () => {
  it('SEC10 repairSection flattens a section with many deep parts to the limit, keeps every character, keeps a before-repair snapshot, records an audit event and closes the section\'s sockets with 4414', async () => {
    const sectionId = world.sectionIds[4]!;
    const { update, text } = preLimitDocument(3_000, 7);
    await storeDirectly(sectionId, update);
    expect(await storedDepth(sectionId)).not.toBeNull();
    const client = stockClient(server.url, sectionId, world.coordinator);
    await waitFor(() => client.provider.synced, 10_000, 'synced');

    const outcome = await repairSection(server.ctx, sectionId);
    expect(outcome).toMatchObject({ kind: 'repaired', levelBefore: limits.maxDocumentDepth + 1, closedSockets: 1 });
    await waitFor(() => client.closes.length > 0, 5000, 'client closed');
    expect(client.closes[0]!.code).toBe(closeCode.documentTooDeep);
    client.destroy();

    // Stored: within the limit, with exactly the same text, in order.
    expect(await storedDepth(sectionId)).toBeNull();
    expect(await storedText(sectionId)).toBe(text);
    // The snapshot keeps the document as it was.
    if (outcome.kind !== 'repaired') throw new Error('not repaired');
    const kept = await snapshotSectionState(server.database.db, outcome.backupSnapshotId, sectionId);
    const keptDoc = new Y.Doc();
    Y.applyUpdate(keptDoc, kept!.state);
    expect(findTooDeepInDoc(keptDoc)).not.toBeNull();
    expect(sectionText(keptDoc)).toBe(text);
    keptDoc.destroy();
    const audit = await listAudit(server.database.db, world.proposal.id, { limit: 50 });
    expect(audit.filter((e) => e.action === 'section.repaired' && e.sectionId === sectionId)).toHaveLength(1);

    // A fresh client loads the repaired section and edits it; a second repair finds nothing to do.
    const fresh = stockClient(server.url, sectionId, world.coordinator);
    await waitFor(() => fresh.provider.synced, 10_000, 'fresh synced');
    expect(sectionText(fresh.doc)).toBe(text);
    typeParagraph(fresh, 'After the repair.');
    await waitFor(async () => (await storedText(sectionId)) === `${text}\nAfter the repair.`, 5000, 'edit after repair stored');
    fresh.destroy();
    expect(await repairSection(server.ctx, sectionId)).toEqual({ kind: 'within-limit' });
  });
});
