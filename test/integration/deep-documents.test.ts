import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { limits } from '../../shared/limits';
import { closeCode } from '../../shared/protocol';
import { sectionField } from '../../shared/document/model';
import { sectionText } from '../../shared/document/text-blocks';
import { findTooDeepInDoc } from '../../shared/document/update-depth';
import { appendDocUpdates } from '../../server/db/doc-updates';
import { startTestServer, type TestServer } from '../helpers/server';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { fragmentText, rawClient, stockClient, typeParagraph, updateFrame, waitFor, type StockClient } from '../helpers/yclient';
import { readStored } from '../helpers/stored';

const limit = limits.maxDocumentDepth;

let server: TestServer;
let world: CollabWorld;
let bystanders: [StockClient, StockClient];
let probe = 0;

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
  // Two clients in a room of their own, which must keep syncing whatever happens elsewhere.
  const other = world.sectionIds[5]!;
  bystanders = [stockClient(server.url, other, world.coordinator), stockClient(server.url, other, world.coordinator)];
  await waitFor(() => bystanders.every((c) => c.provider.synced), 5000, 'bystanders synced');
});
afterAll(async () => {
  for (const c of bystanders ?? []) c.destroy();
  await server?.stop();
});

/** The other room still syncs: a paragraph typed by one bystander reaches the other. */
async function otherRoomStillSyncs(): Promise<void> {
  const text = `probe ${probe++}`;
  typeParagraph(bystanders[0], text);
  await waitFor(() => fragmentText(bystanders[1].doc).includes(text), 5000, 'other room syncs');
}

/** `depth` nested blockquotes, each holding a paragraph naming its level, written into `fragment` in one transaction. */
function writeNested(doc: Y.Doc, depth: number, label = 'level'): void {
  doc.transact(() => {
    let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(sectionField);
    for (let i = 1; i <= depth; i++) {
      const quote = new Y.XmlElement('blockquote');
      parent.insert(parent.length, [quote]);
      const para = new Y.XmlElement('paragraph');
      quote.insert(0, [para]);
      para.insert(0, [new Y.XmlText(`${label} ${i}`)]);
      parent = quote;
    }
  });
}

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
