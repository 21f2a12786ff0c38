import * as Y from 'yjs';
import { limits } from '../../shared/limits';
import { closeCode, permissionDeniedReason, type CloseCode, type CloseReason } from '../../shared/protocol';
import type { LoadedDoc } from '../db/doc-updates';
import { RoomAwareness } from './awareness';
import type { Fanout, Publish } from './fanout';
import { dependsOnMissing, encodeSyncStep1, encodeSyncStep2, encodeUpdate, inspectUpdate } from './protocol';
import { RoomLog, type LogStorage } from './room-log';
import { CommitOrder } from './commit-order';
import { isIntact, lacksEverything, parkedBytes } from './doc-state';
import { findTooDeepSince, type TooDeep } from '../../shared/document/update-depth';
import { DepthGuard } from './depth-guard';
import { SectionLocked, txOrigin, type Refusal, type RoomPeer, type RoomVerbs, type TxOrigin } from './room-types';

/** What a room needs from storage; the room itself knows no SQL. */
export interface RoomStorage extends LogStorage {
  load(docId: string): Promise<LoadedDoc>;
  /** Resolves with the row's seq once the update is committed. */
  append(docId: string, update: Uint8Array, userId: string | null): Promise<number>;
}

export interface RoomDeps<P extends RoomPeer = RoomPeer> extends RoomVerbs<P> {
  storage: RoomStorage;
  publish: Publish;
  /** The room's channel to other instances (subscribe before load, awareness out). */
  link: Pick<Fanout, 'join' | 'leave' | 'publishAwareness'>;
  /** Called once the room has unloaded, so the registry forgets it. */
  onUnloaded(room: Room<P>): void;
  /** Errors the room survives (failed compaction, failed commit). */
  log(message: string, err: unknown): void;
}

type RoomState =
  | { kind: 'loading'; promise: Promise<void> }
  | { kind: 'ready' }
  /** Empty and idle, waiting for a compaction to finish; a new socket revives it. */
  | { kind: 'unloading' }
  | { kind: 'unloaded' };

/**
 * One section's live document. Persist, then broadcast: an accepted update is
 * applied to the room doc, appended to the log (group commit), and only after
 * the commit resolves is anything derived from it (relays, sync replies) sent
 * to any socket, in order. Knows neither transport nor SQL: it reaches its
 * peers only through `deps.deliver` and `deps.kick`.
 */
export class Room<P extends RoomPeer = RoomPeer> {
  readonly doc = new Y.Doc({ gc: true });
  readonly peers = new Set<P>();
  readonly awareness: RoomAwareness;
  private state: RoomState;
  private readonly order = new CommitOrder();
  /** The stored log: row counts, the snapshot the doc holds, compaction. */
  private readonly updateLog: RoomLog;
  /** Server edits (restores) waiting for their commit: rejected when the commit fails. */
  private readonly serverEdits = new Set<(err: unknown) => void>();
  /**
   * Sync step 2 with the whole doc, kept until the doc changes: fresh clients (forty
   * laptops joining, every tab reloading after a restart) share one encoding, and
   * right after a load from one snapshot it is the stored bytes, not encoded at all.
   */
  private wholeDocFrame: Uint8Array | null = null;
  /** Set while a server edit that would nest too deep finishes its transaction: its update is not stored. */
  private editTooDeep: TooDeep | null = null;
  /** SEC9/SEC10 on socket updates; made on the first update (an idle room needs none). */
  private depth: DepthGuard | null = null;
  /** Fan-out updates that arrive while the room loads; applied right after the load. */
  private early: Uint8Array[] | null = [];

  constructor(
    readonly docId: string,
    private readonly deps: RoomDeps<P>,
  ) {
    this.awareness = new RoomAwareness((frame, update) => {
      this.sendToAll(frame, null);
      this.deps.link.publishAwareness(this.docId, update);
    });
    this.updateLog = new RoomLog(docId, deps.storage, deps.log);
    const loading = this.load().catch((err: unknown) => {
      this.deps.log(`room ${this.docId}: load failed`, err);
      for (const peer of [...this.peers]) this.deps.kick(peer, closeCode.internalError, 'load_failed');
      this.peers.clear();
      this.unload();
      throw err;
    });
    loading.catch(() => {}); // joiners see the rejection through whenReady()
    this.state = { kind: 'loading', promise: loading };
  }

  /** Resolves once the doc is loaded; concurrent joiners share this one promise. */
  whenReady(): Promise<void> {
    const s = this.state;
    switch (s.kind) {
      case 'loading':
        return s.promise;
      case 'ready':
        return Promise.resolve();
      case 'unloading':
      case 'unloaded':
        return Promise.reject(new Error('room unloaded'));
    }
  }

  get stateKind(): RoomState['kind'] {
    return this.state.kind;
  }

  /** Updates accepted but not yet committed. */
  get pending(): number {
    return this.order.pending;
  }

  private async load(): Promise<void> {
    // Subscribe BEFORE the read: an update another instance commits after the
    // read is then published to us, so no gap is possible (duplicates are harmless).
    await this.deps.link.join(this.docId);
    const loaded = await this.deps.storage.load(this.docId);
    const origin: TxOrigin = { kind: 'server' };
    // Before any 'update' listener: Yjs encodes a transaction's update only for listeners,
    // and the load's is the whole doc (12 ms of a 50,000-keystroke cold load), sent nowhere.
    // The load is one local transaction, so Yjs runs no follow-up (formatting cleanup) after it.
    Y.transact(this.doc, () => {
      if (loaded.snapshot) Y.applyUpdate(this.doc, loaded.snapshot, origin);
      for (const u of loaded.updates) Y.applyUpdate(this.doc, u, origin);
    }, origin);
    this.doc.on('update', (delta: Uint8Array, txo: unknown) => this.onDocUpdate(delta, txOrigin(txo)));
    this.updateLog.loaded(loaded);
    const early = this.early ?? [];
    this.early = null;
    for (const u of early) Y.applyUpdate(this.doc, u, origin);
    if (!isIntact(this.doc)) throw new Error('the stored doc left Yjs inside a transaction');
    // The doc is exactly the snapshot (no rows, no fan-out, no Yjs follow-up edit): a fresh client can have the stored bytes.
    const exactlySnapshot = loaded.updates.length === 0 && early.length === 0 && this.order.latest === 0;
    if (loaded.snapshot && exactlySnapshot) this.wholeDocFrame = encodeSyncStep2(loaded.snapshot);
    if (this.state.kind === 'loading') this.state = { kind: 'ready' };
    this.maybeUnload();
  }

  /**
   * After a fan-out outage: re-reads the WHOLE stored doc (snapshot + every row)
   * and applies it; Yjs skips what the doc already holds and the rest is relayed
   * to this room's sockets like fan-out. Not "rows with seq > lastSeq": seq is an
   * identity column, and with several instances a row with a LOWER seq can commit
   * after a higher one was seen (its transaction was slower), so a seq cursor can
   * skip rows forever. The full read is bounded by compaction (~500 rows / 1 MiB).
   */
  async catchUp(): Promise<void> {
    await this.whenReady().catch(() => {});
    if (this.state.kind === 'unloaded') return;
    const loaded = await this.deps.storage.load(this.docId);
    if (this.stateKind === 'unloaded') return;
    const origin: TxOrigin = { kind: 'fanout', instanceId: 'storage' };
    this.change(() =>
      Y.transact(this.doc, () => {
        if (loaded.snapshot) Y.applyUpdate(this.doc, loaded.snapshot, origin);
        for (const u of loaded.updates) Y.applyUpdate(this.doc, u, origin);
      }, origin),
    );
    this.updateLog.caughtUp(loaded);
  }

  /** Awareness states another instance relayed: kept for joiners and sent to this room's sockets. */
  applyRemoteAwareness(update: Uint8Array): void {
    if (this.state.kind !== 'ready') return;
    const frame = this.awareness.applyRemote(update);
    if (frame) this.sendToAll(frame, null);
  }

  /** Counts a socket in (so the room stays loaded); call `start` once `whenReady` resolves. */
  attach(peer: P): void {
    this.peers.add(peer);
    if (this.state.kind === 'unloading') this.state = { kind: 'ready' };
  }

  /** Sends an attached socket the server's sync step 1 and everyone's awareness. */
  start(peer: P): void {
    if (!this.peers.has(peer)) return;
    this.deps.deliver(peer, encodeSyncStep1(Y.encodeStateVector(this.doc)));
    const aw = this.awareness.snapshotFrame();
    if (aw) this.deps.deliver(peer, aw);
  }

  /** Sends an attached socket the server's sync step 1 again (its rights were upgraded). */
  resync(peer: P): void {
    if (this.peers.has(peer) && this.state.kind === 'ready') this.deps.deliver(peer, encodeSyncStep1(Y.encodeStateVector(this.doc)));
  }

  /** Runs `then` once every update accepted so far is committed: at once when none is pending. */
  afterCommitted(then: () => void): void {
    this.order.after(this.order.latest, then);
  }

  /** Removes a socket and its awareness state; unloads when empty and idle. */
  leave(peer: P): void {
    if (!this.peers.delete(peer)) return;
    this.awareness.remove(peer);
    this.maybeUnload();
  }

  /** Sync step 1 from a socket: reply with what it lacks, once that is committed. */
  syncStep1(peer: P, stateVector: Uint8Array): Refusal | null {
    let reply: Uint8Array;
    try {
      reply = lacksEverything(this.doc, stateVector)
        ? (this.wholeDocFrame ??= encodeSyncStep2(Y.encodeStateAsUpdate(this.doc)))
        : encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector));
    } catch {
      return { code: closeCode.protocolError, reason: 'malformed_state_vector' };
    }
    this.order.after(this.order.latest, () => this.sendTo(peer, reply));
    return null;
  }

  /** A sync step 2 or update from a socket. */
  applyUpdate(peer: P, update: Uint8Array): Refusal | null {
    const info = inspectUpdate(update);
    if (!info.hasContent) return null;
    switch (peer.access) {
      case 'read-only':
        return { code: closeCode.editRefused, reason: permissionDeniedReason, permissionDenied: true };
      case 'read-write':
        break;
    }
    if (this.updateLog.docBytes + update.byteLength > limits.maxDocBytes) {
      return { code: closeCode.documentTooLarge, reason: 'document_too_large' };
    }
    // Parked content costs a merge on every later update: only a socket still
    // catching up (before its sync step 2) may park any, up to maxPendingBytes.
    if (peer.sentSync && dependsOnMissing(info, (client) => Y.getState(this.doc.store, client))) {
      return { code: closeCode.protocolError, reason: 'missing_dependencies' };
    }
    const deep = (this.depth ??= new DepthGuard(this.doc)).refusal(update, info.deletes.length > 0);
    if (deep) return deep;
    const origin: TxOrigin = { kind: 'socket', peer };
    const store = this.doc.store;
    // A copy: Yjs merges new parked content into the pending object in place.
    const pending = store.pendingStructs;
    const parkedBefore = { structs: pending && { missing: new Map(pending.missing), update: pending.update }, ds: store.pendingDs };
    this.change(() => Y.applyUpdate(this.doc, update, origin));
    if (parkedBytes(this.doc) > limits.maxPendingBytes) {
      // Parked structs live only in memory (never stored): this update's parked part is
      // dropped (its sender resends it with its next sync), and what other sockets had
      // parked before it is put back, so an honest socket's parked update survives.
      // Structs of it this update completed are integrated already; Yjs skips them on the retry.
      store.pendingStructs = parkedBefore.structs;
      store.pendingDs = parkedBefore.ds;
      return { code: closeCode.protocolError, reason: 'too_much_pending' };
    }
    return null;
  }

  /** Applies an update another instance committed (no store, relay to everyone). */
  applyFanout(update: Uint8Array, instanceId: string): void {
    if (this.state.kind === 'unloaded') return;
    if (this.early) {
      this.early.push(update);
      return;
    }
    this.change(() => Y.applyUpdate(this.doc, update, { kind: 'fanout', instanceId } satisfies TxOrigin));
  }

  private onDocUpdate(delta: Uint8Array, origin: TxOrigin): void {
    this.wholeDocFrame = null;
    switch (origin.kind) {
      case 'server':
        return;
      case 'fanout':
        this.updateLog.grew(delta.byteLength);
        this.order.after(this.order.latest, () => this.sendToAll(encodeUpdate(delta), null));
        return;
      case 'socket':
        this.persistThenBroadcast(delta, origin.peer, origin.peer.userId);
        return;
      case 'edit':
        if (this.editTooDeep) return; // refused: never stored or relayed (editAsServer drops the room)
        this.persistThenBroadcast(delta, null, origin.userId);
        return;
      case 'yjs':
        this.persistThenBroadcast(delta, null, null);
        return;
      default: {
        const never: never = origin;
        throw new Error(`unknown origin ${String(never)}`);
      }
    }
  }

  /**
   * A server-side edit on behalf of `userId` (a restore): `edit` runs in one
   * transaction on the live doc, and the resulting update goes through the same
   * persist-then-broadcast path as a socket's. Resolves once it is committed
   * (at once when the edit changed nothing); rejects when the room is not ready.
   */
  editAsServer(userId: string, edit: (doc: Y.Doc) => void): Promise<void> {
    if (this.state.kind !== 'ready') return Promise.reject(new Error('room not ready'));
    const before = this.order.latest;
    let tooDeep: TooDeep | null = null;
    this.change(() =>
      Y.transact(
        this.doc,
        (tr) => {
          edit(this.doc);
          // SEC9: checked before the transaction ends, so before its update would be stored.
          tooDeep = this.editTooDeep = findTooDeepSince(this.doc, tr.beforeState);
        },
        { kind: 'edit', userId } satisfies TxOrigin,
      ),
    );
    this.editTooDeep = null;
    if (tooDeep) {
      // Yjs cannot take the edit back: the room (whose doc now holds it, unstored) is dropped; the next join loads what is stored.
      const err = new Error(`the server edit would nest the document too deep (level ${(tooDeep as TooDeep).level})`);
      this.fail(err, 'server edit refused', 'must_reload');
      return Promise.reject(err);
    }
    if (this.order.latest === before) return Promise.resolve();
    const ticket = this.order.latest;
    return new Promise<void>((resolve, reject) => {
      this.serverEdits.add(reject);
      this.order.after(ticket, () => {
        this.serverEdits.delete(reject);
        resolve();
      });
    });
  }

  private persistThenBroadcast(delta: Uint8Array, sender: RoomPeer | null, userId: string | null): void {
    const ticket = this.order.issue();
    this.updateLog.grew(delta.byteLength);
    const frame = encodeUpdate(delta);
    this.order.after(ticket, () => this.sendToAll(frame, sender));
    this.deps.storage.append(this.docId, delta, userId).then(
      (seq) => {
        this.updateLog.committed(seq, delta.byteLength);
        this.deps.publish({ docId: this.docId, update: delta });
        this.order.commit(ticket);
        this.maybeCompact(false);
        this.maybeUnload();
      },
      (err) => this.fail(err),
    );
  }

  /**
   * The doc holds content that is not stored (a commit failed or was refused, or Yjs
   * was cut short mid-transaction). Drop the room; what is committed is stored, and
   * clients resend the rest when they reconnect and sync. A commit the log refused
   * because the section is locked (WSH7) closes every socket with 4001: clients
   * reconnect with their new rights, the next join loads exactly what is stored,
   * and a server edit waiting on the commit fails with the refusal (a conflict).
   */
  private fail(err: unknown, what = 'commit failed', reason: CloseReason = 'storage_failed'): void {
    if (this.state.kind === 'unloaded') return;
    const locked = err instanceof SectionLocked;
    if (!locked) this.deps.log(`room ${this.docId}: ${what}, closing the room`, err);
    const code = locked ? closeCode.rightsChanged : closeCode.internalError;
    for (const peer of [...this.peers]) this.deps.kick(peer, code, locked ? 'section_locked' : reason);
    this.peers.clear();
    this.order.clear();
    for (const reject of this.serverEdits) reject(err);
    this.serverEdits.clear();
    this.unload();
  }

  /**
   * Every change to the live doc goes through here. Yjs resets a doc's transaction
   * bookkeeping in a `finally` that a throwing handler or a crafted update can cut
   * short. Such a doc never emits 'update' again (nothing more would be stored or
   * relayed) and keeps every later transaction in memory until the process runs out
   * of heap: the room is dropped instead, whether or not `apply` threw.
   */
  private change(apply: () => void): void {
    try {
      apply();
    } finally {
      if (!isIntact(this.doc)) this.fail(new Error('the doc was left inside a transaction'), 'Yjs was cut short', 'must_reload');
    }
  }

  private sendTo(peer: P, frame: Uint8Array): void {
    if (this.peers.has(peer)) this.deps.deliver(peer, frame);
  }

  private sendToAll(frame: Uint8Array, except: RoomPeer | null): void {
    for (const peer of this.peers) if (peer !== except) this.deps.deliver(peer, frame);
  }

  private maybeCompact(whenIdle: boolean): void {
    this.updateLog.maybeCompact(whenIdle, () => Y.encodeStateAsUpdate(this.doc), () => this.maybeUnload());
  }

  /** Waits until every accepted update is committed and no compaction runs. */
  async settle(): Promise<void> {
    while (this.pending > 0 || this.updateLog.compacting) {
      if (this.updateLog.compacting) await this.updateLog.compacting;
      if (this.pending > 0) await new Promise<void>((resolve) => this.order.after(this.order.latest, resolve));
    }
  }

  private maybeUnload(): void {
    const s = this.state;
    switch (s.kind) {
      case 'loading':
      case 'unloaded':
        return;
      case 'ready':
      case 'unloading':
        if (this.peers.size > 0 || this.pending > 0) return;
        // Once per emptying (not again from 'unloading', so a failing compaction cannot loop).
        if (s.kind === 'ready') this.maybeCompact(true);
        // Never mid-write: with a compaction in flight, wait for it (its finally calls back).
        if (this.updateLog.compacting) this.state = { kind: 'unloading' };
        else this.unload();
        return;
    }
  }

  private unload(): void {
    if (this.state.kind === 'unloaded') return;
    this.state = { kind: 'unloaded' };
    this.early = null;
    this.deps.link.leave(this.docId);
    this.awareness.destroy();
    this.doc.destroy();
    this.deps.onUnloaded(this);
  }

  /** Shutdown: flush awareness, close every socket with `code`, and unload. */
  closeAll(code: CloseCode, reason: CloseReason): void {
    this.awareness.flush();
    for (const peer of [...this.peers]) this.deps.kick(peer, code, reason);
    this.peers.clear();
    this.unload();
  }
}
