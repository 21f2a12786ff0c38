import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Connection } from '../../server/collab/connection';
import type { Persistence } from '../../server/collab/persistence';
import type { CollabSocket } from '../../server/collab/room-types';
import { RoomRegistry } from '../../server/collab/rooms';
import { answeredStateVector } from '../../server/collab/sync-reply';
import type { LoadedDoc } from '../../server/db/doc-updates';
import { limits } from '../../shared/limits';
import { closeCode, type CloseCode } from '../../shared/protocol';

/** An empty log: every section starts empty. */
const emptyStorage: Persistence = {
  async load(): Promise<LoadedDoc> {
    return { snapshot: null, snapshotSeq: 0, updates: [], seqs: [], lastSeq: 0, updateBytes: 0 };
  },
  async append() {
    return 1;
  },
  async compact() {
    return true;
  },
  async flush() {},
};

/** A socket whose unread backlog the test sets, recording what it is sent and how it ends. */
class BackloggedSocket implements CollabSocket {
  unsentBytes = 0;
  frames: Uint8Array[] = [];
  closes: number[] = [];
  terminated = false;
  send(frame: Uint8Array) {
    this.frames.push(frame);
  }
  close(code: number) {
    this.closes.push(code);
  }
  terminate() {
    this.terminated = true;
  }
}

let registry: RoomRegistry;
afterEach(async () => {
  await registry?.shutdown(closeCode.goingAway, 'going_away');
});

async function joined() {
  registry = new RoomRegistry(emptyStorage, () => {}, () => {});
  const socket = new BackloggedSocket();
  const refused: CloseCode[] = [];
  const stamp = { id: 'u', name: 'U', color: '#000', partnerId: null, partnerName: null, country: null };
  const conn = new Connection(socket, { userId: 'u', sessionId: 's', proposalId: 'p', sectionId: 'd', stamp, access: 'read-write' }, registry.room('d'), undefined, (code) => refused.push(code));
  registry.track(conn);
  await conn.open();
  return { socket, conn, refused };
}

describe('send backpressure (in-memory socket)', () => {
  it('SEC11 a frame that brings the unsent bytes exactly to the limit is sent', async () => {
    const { socket, conn, refused } = await joined();
    const frame = new Uint8Array(1000);
    socket.unsentBytes = limits.maxUnsentBytesPerSocket - frame.byteLength;
    conn.deliver(frame);
    expect(socket.frames.at(-1)).toBe(frame);
    expect(socket.terminated).toBe(false);
    expect(refused).toEqual([]);
    expect(conn.isClosed).toBe(false);
  });

  it('SEC11 one byte past the limit: the frame is not sent, the socket is terminated (not closed behind its backlog) and counted as 4009', async () => {
    const { socket, conn, refused } = await joined();
    const frame = new Uint8Array(1000);
    const sent = socket.frames.length;
    socket.unsentBytes = limits.maxUnsentBytesPerSocket - frame.byteLength + 1;
    conn.deliver(frame);
    expect(socket.frames.length).toBe(sent);
    expect(socket.terminated).toBe(true);
    expect(socket.closes).toEqual([]);
    expect(refused).toEqual([closeCode.sendBacklog]);
    expect(conn.isClosed).toBe(true);
    expect(registry.peek('d')?.peers.has(conn) ?? false).toBe(false);
    // Nothing more is sent to it, and it is counted once.
    socket.unsentBytes = 0;
    conn.deliver(frame);
    expect(socket.frames.length).toBe(sent);
    expect(refused).toEqual([closeCode.sendBacklog]);
  });
});

describe('sync replies to clients that lack most of the document', () => {
  const doc = new Y.Doc();
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.getText('t').insert(0, 'a'.repeat(100));
  b.getText('t').insert(0, 'b'.repeat(100));
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(a));
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(b));
  const sv = (entries: [number, number][]) => Y.encodeStateVector(new Map(entries));
  const nothing = sv([]);

  it('SEC11 a client lacking half of the document (by clock) is answered like a fresh client: the shared whole-document frame', () => {
    expect(answeredStateVector(doc, sv([[a.clientID, 100]]))).toEqual(nothing);
    expect(answeredStateVector(doc, sv([[a.clientID, 1]]))).toEqual(nothing);
  });

  it('SEC11 a client lacking less than half gets its own diff', () => {
    const own = sv([[a.clientID, 100], [b.clientID, 1]]);
    expect(answeredStateVector(doc, own)).toBe(own);
  });

  it('SEC11 a socket that has not read everything it was sent gets the shared frame whatever it asks (no new buffer of its own)', () => {
    const own = sv([[a.clientID, 100], [b.clientID, 1]]);
    expect(answeredStateVector(doc, own, 1)).toEqual(nothing);
    expect(answeredStateVector(doc, own, 0)).toBe(own);
  });

  it('SEC11 a malformed state vector is passed on for the room to refuse', () => {
    const bad = new Uint8Array([5, 200]);
    expect(answeredStateVector(doc, bad)).toBe(bad);
  });
});
