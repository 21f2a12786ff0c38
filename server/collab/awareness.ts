import { limits } from '../../shared/limits';
import { closeCode } from '../../shared/protocol';
import { decodeAwarenessUpdate, encodeAwareness, encodeAwarenessUpdate, type AwarenessEntry } from './protocol';
import type { Refusal, RoomPeer } from './room-types';

/** Relay delay for a state that changed (cursor moved, name set) ... */
const CHANGED_RELAY_MS = limits.awarenessRelayMs;
/** ... and for a plain renewal (clients renew every 15 s and time out after 30 s). */
const RENEWAL_RELAY_MS = 1000;

/**
 * The least time (ms) between two relays of a room with `sockets` sockets: every
 * relay is one frame to each socket, so the room sends at most
 * `limits.awarenessFramesPerRoomSecond` awareness frames a second in all.
 */
export function relayWindowMs(sockets: number): number {
  return Math.max(limits.awarenessRelayMs, Math.ceil((1000 * sockets) / limits.awarenessFramesPerRoomSecond));
}

interface StoredState {
  clock: number;
  json: string;
  owner: RoomPeer;
}

/** A state another instance relayed (its socket lives there); it expires like a client-side state. */
interface RemoteState {
  clock: number;
  json: string;
  at: number;
}

/** y-protocols' outdated timeout: a state not renewed for 30 s is gone. */
const REMOTE_TIMEOUT_MS = 30_000;

/**
 * A room's awareness: one state per socket, for the client ID that socket
 * announced first, with `user` stamped by the server. Relays are coalesced per
 * room into one encoded update per tick, so a renewal storm costs one frame per
 * socket per second instead of one per renewal; and two relays are at least
 * `relayWindowMs(sockets)` apart, so fifty sockets moving their cursors cost each
 * socket a bounded number of frames a second, not one per move.
 */
export class RoomAwareness {
  private readonly states = new Map<number, StoredState>();
  private readonly remote = new Map<number, RemoteState>();
  private readonly outgoing = new Map<number, AwarenessEntry>();
  private timer: NodeJS.Timeout | null = null;
  private dueAt = Infinity;
  /** When the last relay went out (ms, `Date.now()`). */
  private relayedAt = -Infinity;
  /** Sockets in the room, as the last socket to send awareness saw it: what widens the window. */
  private audience = 1;

  /** `broadcast` gets each coalesced frame for this room's sockets, and its bare update for other instances. */
  constructor(private readonly broadcast: (frame: Uint8Array, update: Uint8Array) => void) {}

  /**
   * Applies one socket's awareness update, or says why it is refused. The stock
   * client re-sends every state it hears about, so entries for client IDs the
   * socket does not own are refused by never being stored or relayed.
   * `audience`: the room's sockets now (each relay is a frame to every one of them).
   */
  apply(peer: RoomPeer, update: Uint8Array, audience = this.states.size + 1): Refusal | null {
    this.audience = audience;
    for (const entry of decodeAwarenessUpdate(update)) {
      if (peer.awarenessClientId === null && !this.states.has(entry.clientId) && !this.remote.has(entry.clientId)) peer.awarenessClientId = entry.clientId;
      if (entry.clientId !== peer.awarenessClientId) continue;
      const refusal = this.applyOwn(peer, entry);
      if (refusal) return refusal;
    }
    return null;
  }

  private applyOwn(peer: RoomPeer, entry: AwarenessEntry): Refusal | null {
    if (Buffer.byteLength(entry.json) > limits.maxAwarenessStateBytes) return { code: closeCode.protocolError, reason: 'awareness_too_large' };
    let state: unknown;
    try {
      state = JSON.parse(entry.json);
    } catch {
      return { code: closeCode.protocolError, reason: 'awareness_not_json' };
    }
    const prev = this.states.get(entry.clientId);
    // Older or echoed states change nothing (y-protocols clock rule).
    if (prev && entry.clock <= prev.clock) return null;
    if (state === null) {
      if (prev) this.remove(peer);
      return null;
    }
    if (typeof state !== 'object' || Array.isArray(state)) return { code: closeCode.protocolError, reason: 'awareness_not_object' };
    const json = JSON.stringify({ ...(state as Record<string, unknown>), user: peer.stamp });
    const changed = prev?.json !== json;
    this.states.set(entry.clientId, { clock: entry.clock, json, owner: peer });
    this.queue({ clientId: entry.clientId, clock: entry.clock, json }, changed ? CHANGED_RELAY_MS : RENEWAL_RELAY_MS);
    return null;
  }

  /** Removes the socket's state (on close) and tells everyone. */
  remove(peer: RoomPeer): void {
    const id = peer.awarenessClientId;
    if (id === null) return;
    const prev = this.states.get(id);
    if (!prev || prev.owner !== peer) return;
    this.states.delete(id);
    this.queue({ clientId: id, clock: prev.clock + 1, json: 'null' }, 0);
  }

  /**
   * States relayed by another instance (already stamped there): remembered for
   * joiners; returns the frame for this room's sockets (never relayed back out).
   */
  applyRemote(update: Uint8Array): Uint8Array | null {
    let entries: AwarenessEntry[];
    try {
      entries = decodeAwarenessUpdate(update);
    } catch {
      return null;
    }
    const now = Date.now();
    for (const e of entries) {
      if (this.states.has(e.clientId)) continue;
      if (e.json === 'null') this.remote.delete(e.clientId);
      else this.remote.set(e.clientId, { clock: e.clock, json: e.json, at: now });
    }
    return entries.length > 0 ? encodeAwareness(update) : null;
  }

  /** Every current state (local and fresh remote ones) as one awareness frame, or null when there are none. */
  snapshotFrame(): Uint8Array | null {
    const entries: AwarenessEntry[] = [];
    for (const [clientId, s] of this.states) entries.push({ clientId, clock: s.clock, json: s.json });
    const now = Date.now();
    for (const [clientId, r] of this.remote) {
      if (now - r.at > REMOTE_TIMEOUT_MS) this.remote.delete(clientId);
      else entries.push({ clientId, clock: r.clock, json: r.json });
    }
    if (entries.length === 0) return null;
    return encodeAwareness(encodeAwarenessUpdate(entries));
  }

  /** Sends whatever is queued now (shutdown, tests). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = Infinity;
    if (this.outgoing.size === 0) return;
    this.relayedAt = Date.now();
    const update = encodeAwarenessUpdate(this.outgoing.values());
    this.outgoing.clear();
    this.broadcast(encodeAwareness(update), update);
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.outgoing.clear();
    this.states.clear();
    this.remote.clear();
  }

  get size(): number {
    return this.states.size;
  }

  /** Queues an entry for the next relay: after `delayMs`, and no sooner than one window after the last relay. */
  private queue(entry: AwarenessEntry, delayMs: number): void {
    this.outgoing.set(entry.clientId, entry);
    const now = Date.now();
    const due = Math.max(now + delayMs, this.relayedAt + relayWindowMs(this.audience));
    if (due >= this.dueAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = due;
    this.timer = setTimeout(() => this.flush(), due - now);
  }
}
