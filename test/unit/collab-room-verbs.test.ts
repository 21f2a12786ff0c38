import { describe, expect, it } from 'vitest';
import { closeCode, messageType } from '../../shared/protocol';
import type { LoadedDoc } from '../../server/db/doc-updates';
import { Room } from '../../server/collab/room';
import { SectionLocked, type RoomPeer } from '../../server/collab/room-types';
import { localFanout } from '../../server/collab/fanout';
import { FrameTurn } from '../../server/collab/frame-turn';
import { frameKind, textUpdate, waitFor } from '../helpers/yclient';

/**
 * The room on its own, with no socket anywhere: its peers are plain objects
 * (who they are, what they may do), and the only ways it reaches them are the
 * two verbs it is given. Every frame it sends is a `deliver`, every close a `kick`.
 */
interface Call {
  verb: 'deliver' | 'kick';
  peer: string;
  frame?: { type: number; sub: number | null };
  code?: number;
}

/** A storage whose appends succeed, or reject with SectionLocked once `locked` is set. */
function memoryStorage() {
  const rows: Uint8Array[] = [];
  let seq = 0;
  return {
    rows,
    locked: false,
    async load(): Promise<LoadedDoc> {
      return { snapshot: null, snapshotSeq: 0, updates: [...rows], seqs: rows.map((_, i) => i + 1), lastSeq: seq, updateBytes: 0 };
    },
    async append(docId: string, update: Uint8Array): Promise<number> {
      if (this.locked) throw new SectionLocked(docId);
      rows.push(update);
      return ++seq;
    },
    async compact(): Promise<boolean> {
      return true;
    },
  };
}

type Peer = RoomPeer & { name: string };
const peer = (name: string, access: RoomPeer['access'] = 'read-write'): Peer => ({
  name,
  userId: name,
  stamp: { id: name, name, color: '#000', partnerId: null, partnerName: null, country: null },
  access,
  awarenessClientId: null,
  sentSync: true,
});

function roomWithVerbs() {
  const calls: Call[] = [];
  const storage = memoryStorage();
  const room = new Room<Peer>('doc-1', {
    storage,
    publish: () => {},
    link: localFanout(),
    log: () => {},
    onUnloaded: () => {},
    deliver: (p, frame) => calls.push({ verb: 'deliver', peer: p.name, frame: frameKind(frame) }),
    kick: (p, code) => calls.push({ verb: 'kick', peer: p.name, code }),
  });
  return { room, calls, storage };
}

const syncStep1 = { type: messageType.sync, sub: 0 };
const update = { type: messageType.sync, sub: 2 };

describe('room verbs (no socket)', () => {
  it('SVC6: a joiner gets sync step 1 through deliver, and an accepted update reaches the other peer through deliver after its commit', async () => {
    const { room, calls, storage } = roomWithVerbs();
    const [a, b] = [peer('a'), peer('b')];
    room.attach(a);
    room.attach(b);
    await room.whenReady();
    room.start(a);
    room.start(b);
    expect(calls).toEqual([
      { verb: 'deliver', peer: 'a', frame: syncStep1 },
      { verb: 'deliver', peer: 'b', frame: syncStep1 },
    ]);
    calls.length = 0;
    expect(room.applyUpdate(a, textUpdate('hello'))).toBeNull();
    expect(calls).toEqual([]); // persist first: nothing is delivered before the commit
    await room.settle();
    expect(storage.rows).toHaveLength(1);
    expect(calls).toEqual([{ verb: 'deliver', peer: 'b', frame: update }]);
    room.closeAll(closeCode.goingAway, 'going_away');
  });

  it('SVC6: a commit the log refuses kicks every peer with 4001 through kick; shutdown kicks with 1001', async () => {
    const { room, calls, storage } = roomWithVerbs();
    const [a, b, c] = [peer('a'), peer('b'), peer('c', 'read-only')];
    for (const p of [a, b, c]) room.attach(p);
    await room.whenReady();
    calls.length = 0;
    storage.locked = true;
    expect(room.applyUpdate(a, textUpdate('typed as it locked'))).toBeNull();
    await waitFor(() => room.stateKind === 'unloaded', 5000, 'the room dropped itself');
    expect(calls).toEqual([
      { verb: 'kick', peer: 'a', code: closeCode.rightsChanged },
      { verb: 'kick', peer: 'b', code: closeCode.rightsChanged },
      { verb: 'kick', peer: 'c', code: closeCode.rightsChanged },
    ]);

    const second = roomWithVerbs();
    const d = peer('d');
    second.room.attach(d);
    await second.room.whenReady();
    second.calls.length = 0;
    second.room.closeAll(closeCode.goingAway, 'going_away');
    expect(second.calls).toEqual([{ verb: 'kick', peer: 'd', code: closeCode.goingAway }]);
  });

  it('SVC6: a read-only peer\'s update is refused with 4403 and permission-denied, applied nowhere and delivered to nobody', async () => {
    const { room, calls, storage } = roomWithVerbs();
    const [w, r] = [peer('w'), peer('r', 'read-only')];
    room.attach(w);
    room.attach(r);
    await room.whenReady();
    calls.length = 0;
    expect(room.applyUpdate(r, textUpdate('not mine to write'))).toMatchObject({ code: closeCode.editRefused, permissionDenied: true });
    await room.settle();
    expect(storage.rows).toHaveLength(0);
    expect(calls).toEqual([]);
    expect(room.doc.getXmlFragment('default').length).toBe(0);
    room.closeAll(closeCode.goingAway, 'going_away');
  });
});

describe('frame turn (per service)', () => {
  it('SVC8: two frame turns do not share a budget: one spent does not spend the other', () => {
    const [one, two] = [new FrameTurn(20), new FrameTurn(20)];
    const first = one.deadline();
    // Within one turn the deadline holds; a second service's turn starts on its own first frame.
    expect(one.deadline()).toBe(first);
    const start = performance.now();
    const other = two.deadline();
    expect(other).toBeGreaterThanOrEqual(start + 20);
    expect(two.deadline()).toBe(other);
  });
});
