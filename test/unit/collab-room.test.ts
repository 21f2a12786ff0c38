import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closeCode, messageType } from '../../shared/protocol';
import type { LoadedDoc } from '../../server/db/doc-updates';
import { Connection } from '../../server/collab/connection';
import { decodeAwarenessUpdate } from '../../server/collab/protocol';
import { RoomRegistry } from '../../server/collab/rooms';
import type { Persistence } from '../../server/collab/persistence';
import type { Access, CollabSocket } from '../../server/collab/room-types';
import * as decoding from 'lib0/decoding';
import { awarenessFrame, frameKind, step1Frame, textUpdate, updateFrame, waitFor } from '../helpers/yclient';

/** One turn of the event loop: pending promises and I/O callbacks run first. */
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/** An in-memory log standing in for doc_updates, with a gate to hold commits open. */
class MemoryStorage implements Persistence {
  rows: { docId: string; update: Uint8Array; seq: number }[] = [];
  loads = 0;
  private seq = 0;
  held: (() => void)[] | null = null;
  async load(docId: string): Promise<LoadedDoc> {
    this.loads++;
    await nextTurn(); // a real load is asynchronous: joiners in the meantime must share it
    const rows = this.rows.filter((r) => r.docId === docId);
    const updates = rows.map((r) => r.update);
    return { snapshot: null, snapshotSeq: 0, updates, seqs: rows.map((r) => r.seq), lastSeq: this.seq, updateBytes: updates.reduce((n, u) => n + u.byteLength, 0) };
  }
  async append(docId: string, update: Uint8Array): Promise<number> {
    if (this.held) await new Promise<void>((r) => this.held!.push(r));
    const seq = ++this.seq;
    this.rows.push({ docId, update, seq });
    return seq;
  }
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const r of held) r();
  }
  async compact(): Promise<boolean> {
    return true;
  }
  async flush(): Promise<void> {}
}

class MemorySocket implements CollabSocket {
  frames: Uint8Array[] = [];
  closed: { code: number; reason: string } | null = null;
  send(frame: Uint8Array) {
    if (!this.closed) this.frames.push(frame);
  }
  close(code: number, reason: string) {
    this.closed ??= { code, reason };
  }
}

const stamp = (id: string) => ({ id, name: `User ${id}`, color: '#123456', partnerId: 'p1', partnerName: 'Comune di Bologna', country: 'IT' });

let registry: RoomRegistry;
let storage: MemoryStorage;
afterEach(async () => {
  await registry?.shutdown(closeCode.goingAway, 'going_away');
});

function setup() {
  storage = new MemoryStorage();
  registry = new RoomRegistry(storage, () => {}, () => {});
}

async function join(docId: string, userId: string, access: Access = 'read-write') {
  const socket = new MemorySocket();
  const conn = new Connection(socket, { userId, sessionId: `s-${userId}`, proposalId: 'p', sectionId: docId, stamp: stamp(userId), access }, registry.room(docId));
  registry.track(conn);
  await conn.open();
  return { socket, conn };
}

const updatesIn = (frames: Uint8Array[]) => frames.filter((f) => { const k = frameKind(f); return k.type === messageType.sync && k.sub === 2; });

describe('room (in-memory socket pair)', () => {
  it('COL6: an update is relayed only after its commit, and never echoed to the sender', async () => {
    setup();
    const a = await join('d1', 'a');
    const b = await join('d1', 'b');
    storage.held = [];
    a.conn.receive(updateFrame(textUpdate('persist first')));
    // A late joiner's sync reply is held back too: it would carry the uncommitted text.
    const c = await join('d1', 'c');
    c.conn.receive(step1Frame(Y.encodeStateVector(new Y.Doc())));
    // The commit is held: let everything else that could run, run.
    await nextTurn();
    await nextTurn();
    expect(updatesIn(b.socket.frames)).toHaveLength(0);
    expect(c.socket.frames.filter((f) => frameKind(f).sub === 1)).toHaveLength(0);
    expect(storage.rows).toHaveLength(0);
    storage.release();
    await waitFor(() => updatesIn(b.socket.frames).length === 1);
    expect(storage.rows).toHaveLength(1);
    await waitFor(() => c.socket.frames.some((f) => frameKind(f).sub === 1));
    expect(updatesIn(a.socket.frames)).toHaveLength(0);
  });

  it('COL7: concurrent joiners share one load; the room unloads when the last leaves and nothing is pending', async () => {
    setup();
    const [a, b] = await Promise.all([join('d2', 'a'), join('d2', 'b')]);
    expect(storage.loads).toBe(1);
    storage.held = [];
    a.conn.receive(updateFrame(textUpdate('pending at leave')));
    a.conn.closedBySocket();
    b.conn.closedBySocket();
    expect(registry.peek('d2')).toBeDefined();
    storage.release();
    await waitFor(() => registry.peek('d2') === undefined, 2000, 'unload');
    expect(storage.rows).toHaveLength(1);
  });

  it('COL5: awareness is stamped, states for client ids the socket does not own are never stored or relayed, and the state is removed on close', async () => {
    setup();
    const a = await join('d3', 'a');
    const b = await join('d3', 'b');
    a.conn.receive(awarenessFrame(11, 1, { user: { name: 'Mallory' }, cursor: 3 }));
    const awarenessOf = (frames: Uint8Array[]) =>
      frames.filter((f) => frameKind(f).type === messageType.awareness).flatMap((f) => {
        const d = decoding.createDecoder(f);
        decoding.readVarUint(d);
        return decodeAwarenessUpdate(decoding.readVarUint8Array(d));
      });
    await waitFor(() => awarenessOf(b.socket.frames).length > 0, 2000, 'awareness relayed');
    const state = JSON.parse(awarenessOf(b.socket.frames)[0]!.json) as { user: { name: string; id: string; country: string }; cursor: number };
    expect(state.user).toMatchObject({ id: 'a', name: 'User a', country: 'IT' });
    expect(state.cursor).toBe(3);
    // Spoofing another client id (b's, or a new one) is refused: nobody ever sees it.
    b.conn.receive(awarenessFrame(21, 1, { cursor: 0 }));
    a.conn.receive(awarenessFrame(21, 5, { cursor: 'spoof' }));
    a.conn.receive(awarenessFrame(12, 1, { cursor: 'spoof' }));
    const c0 = await join('d3', 'c0');
    await waitFor(() => awarenessOf(c0.socket.frames).length > 0);
    expect(awarenessOf(c0.socket.frames).map((e) => e.json).join()).not.toContain('spoof');
    expect(awarenessOf(c0.socket.frames).map((e) => e.clientId).sort()).toEqual([11, 21]);
    a.conn.closedBySocket();
    await waitFor(() => awarenessOf(b.socket.frames).some((e) => e.clientId === 11 && e.json === 'null'), 2000, 'removal');
    const c = await join('d3', 'c');
    c.conn.receive(awarenessFrame(13, 1, { big: 'x'.repeat(9000) }));
    expect(c.socket.closed?.code).toBe(closeCode.protocolError);
  });

  it('SEC3: a document may not grow past 5 MiB; the offending update is refused with 4413 and not stored', async () => {
    setup();
    const a = await join('d4', 'a');
    const b = await join('d4', 'b');
    const client = new Y.Doc();
    const sent: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => sent.push(u));
    const chunk = 'x'.repeat(1.5 * 1024 * 1024);
    for (let i = 0; i < 3; i++) {
      client.getText('filler').insert(0, chunk);
      a.conn.receive(updateFrame(sent.shift()!));
    }
    await registry.peek('d4')!.settle();
    expect(storage.rows).toHaveLength(3);
    client.getText('filler').insert(0, chunk);
    a.conn.receive(updateFrame(sent.shift()!));
    expect(a.socket.closed?.code).toBe(closeCode.documentTooLarge);
    await registry.peek('d4')?.settle();
    expect(storage.rows).toHaveLength(3);
    expect(updatesIn(b.socket.frames)).toHaveLength(3);
    client.destroy();
  });
});
