import { setTimeout as sleep } from 'node:timers/promises';
import { limits } from '../../shared/limits';
import type { CloseCode, CloseReason } from '../../shared/protocol';
import type { Persistence } from './persistence';
import { localFanout, type Fanout, type Publish } from './fanout';
import { FrameTurn } from './frame-turn';
import { Room } from './room';
import type { Connection } from './connection';

/** Room and socket events worth a debug line (ids only). */
export type RoomEvent = { kind: 'room.created'; docId: string } | { kind: 'room.unloaded'; docId: string };

export interface RegistryOptions {
  /** Every room and socket event, for the log. */
  onEvent?: (event: RoomEvent) => void;
}

/**
 * Every loaded room of this process, and every open connection by section and
 * by user (for rights re-checks and ended sessions). A room is created on
 * first join and forgotten when it unloads. Routes what other instances send
 * (`fanout`) to the loaded room it concerns; a room not loaded here ignores it.
 * Supplies the rooms' two verbs (deliver, kick), which reach the connection,
 * and owns the frame budget every connection of its rooms shares.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room<Connection>>();
  private readonly connections = new Set<Connection>();
  /** The frame budget of every connection of these rooms (one per service, never per module). */
  readonly turn = new FrameTurn();

  constructor(
    private readonly storage: Persistence,
    private readonly publish: Publish,
    private readonly log: (message: string, err: unknown) => void,
    private readonly fanout: Fanout = localFanout(),
    private readonly options: RegistryOptions = {},
  ) {
    fanout.listen({
      update: (docId, update, instanceId) => this.rooms.get(docId)?.applyFanout(update, instanceId),
      awareness: (docId, update) => this.rooms.get(docId)?.applyRemoteAwareness(update),
      resync: () => {
        for (const room of this.rooms.values()) {
          room.catchUp().catch((err: unknown) => this.log(`room ${room.docId}: catch-up failed`, err));
        }
      },
    });
  }

  /** The room of `docId`, loading it on first use (one load, however many joiners). */
  room(docId: string): Room<Connection> {
    const existing = this.rooms.get(docId);
    if (existing && existing.stateKind !== 'unloaded') return existing;
    const room = new Room<Connection>(docId, {
      storage: this.storage,
      publish: this.publish,
      link: this.fanout,
      log: this.log,
      deliver: deliverTo,
      kick: kickOut,
      onUnloaded: (r) => {
        if (this.rooms.get(docId) === r) this.rooms.delete(docId);
        this.options.onEvent?.({ kind: 'room.unloaded', docId });
      },
    });
    this.rooms.set(docId, room);
    this.options.onEvent?.({ kind: 'room.created', docId });
    return room;
  }

  /** The loaded room of `docId`, if any (tests, diagnostics). */
  peek(docId: string): Room<Connection> | undefined {
    return this.rooms.get(docId);
  }

  track(conn: Connection): void {
    this.connections.add(conn);
  }

  untrack(conn: Connection): void {
    this.connections.delete(conn);
  }

  /** Open connections matching `pred`. */
  select(pred: (c: Connection) => boolean): Connection[] {
    const out: Connection[] = [];
    for (const c of this.connections) if (!c.isClosed && pred(c)) out.push(c);
    return out;
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Flushes every room's pending commits, then closes every socket with `code`. */
  async shutdown(code: CloseCode, reason: CloseReason): Promise<void> {
    const rooms = [...this.rooms.values()];
    await Promise.all(rooms.map((r) => r.settle().catch(() => {})));
    for (const conn of [...this.connections]) conn.close(code, reason);
    // Each room has just emptied and compacts what it has left (COL8), so the next start
    // loads one snapshot per section. Bounded: a compaction cut short is harmless.
    const timer = new AbortController();
    await Promise.race([
      Promise.all(rooms.map((r) => r.settle().catch(() => {}))),
      sleep(limits.shutdownCompactMs, undefined, { signal: timer.signal }).catch(() => {}),
    ]);
    timer.abort();
    for (const room of rooms) room.closeAll(code, reason);
    this.connections.clear();
    this.rooms.clear();
  }
}

/** The rooms' verbs: plain functions (no closure per room or socket). */
const deliverTo = (conn: Connection, frame: Uint8Array): void => conn.deliver(frame);
const kickOut = (conn: Connection, code: CloseCode, reason: CloseReason): void => conn.kick(code, reason);
