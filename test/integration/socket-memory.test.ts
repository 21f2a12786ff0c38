import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendDocUpdates } from '../../server/db/doc-updates';
import { limits } from '../../shared/limits';
import { closeCode } from '../../shared/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { nonReadingSocket } from '../helpers/raw-socket';
import { fragmentText, step1Frame, stockClient, typeParagraph, waitFor } from '../helpers/yclient';

let server: TestServer;
let world: CollabWorld;

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
});
afterAll(async () => {
  await server?.stop();
});

/** Frames refused with `code` so far, from the server's metrics registry. */
async function rejected(code: number): Promise<number> {
  const name = `twinpad_rejected_frames_total{code="${code}"} `;
  const line = (await server.ctx.metrics.registry.metrics()).split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.slice(name.length)) : 0;
}

/**
 * Stores a document of about `megabytes` MB in the section (one paragraph per
 * author, each author a Yjs client of its own) and returns the authors' client ids.
 */
async function seedBigSection(sectionId: string, megabytes: number): Promise<number[]> {
  const clients: number[] = [];
  const rows = [];
  for (let i = 0; i < megabytes; i++) {
    const doc = new Y.Doc();
    typeParagraph({ doc }, String.fromCharCode(97 + i).repeat(1024 * 1024));
    clients.push(doc.clientID);
    rows.push({ docId: sectionId, update: Y.encodeStateAsUpdate(doc), userId: null });
    doc.destroy();
  }
  await appendDocUpdates(server.database.db, rows);
  return clients;
}

/** A state vector that holds one character of the first author: the server's diff is nearly the whole document. */
const partialStateVector = (clients: number[]) => Y.encodeStateVector(new Map([[clients[0]!, 1]]));

describe('SEC11 send backpressure', () => {
  it('SEC11 a socket that never reads and keeps asking for a 4 MB section is dropped once its unsent bytes pass the limit; the room carries on', async () => {
    const sectionId = world.sectionIds[0]!;
    const clients = await seedBigSection(sectionId, 4);
    const reader = stockClient(server.url, sectionId, world.coordinator);
    const peer = stockClient(server.url, sectionId, world.coordinator);
    try {
      await waitFor(() => reader.provider.synced && peer.provider.synced, 20_000, 'readers synced');
      const before = await rejected(closeCode.sendBacklog);
      const socketsBefore = server.ctx.collab.stats().sockets;
      const hog = await nonReadingSocket(server.url, `/collab/${sectionId}`, world.coordinator.cookie!);
      hog.keepAlive(1000);
      await waitFor(() => server.ctx.collab.stats().sockets === socketsBefore + 1, 5000, 'the hog admitted');
      // The sync-request burst: each asks for (nearly) the whole 4 MB document again.
      for (let i = 0; i < limits.syncRequestBurst; i++) hog.send(step1Frame(partialStateVector(clients)));
      await waitFor(() => server.ctx.collab.stats().sockets === socketsBefore, 20_000, 'the server dropped the hog');
      expect(await rejected(closeCode.sendBacklog)).toBe(before + 1);
      hog.destroy();
      // The room and its reading sockets carry on.
      typeParagraph(reader, 'still here');
      await waitFor(() => fragmentText(peer.doc).includes('still here'), 10_000, 'the peer sees the edit');
      expect(reader.closes).toEqual([]);
      expect(peer.closes).toEqual([]);
    } finally {
      reader.destroy();
      peer.destroy();
    }
  });
});
