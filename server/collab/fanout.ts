import type { EventBus } from '../events';

/**
 * Fan-out between instances. A room publishes every update after its commit;
 * with REDIS_URL a Redis publisher sends it on `room:<docId>` and other
 * instances apply it with a `fanout` origin (server/collab/redis-fanout.ts).
 * Without REDIS_URL the instance runs alone: `localFanout`, which does nothing.
 */
export interface FanoutMessage {
  docId: string;
  update: Uint8Array;
}

export type Publish = (message: FanoutMessage) => void;

export const noopPublish: Publish = () => {};

/** `off`: no REDIS_URL; `degraded`: Redis unreachable, this instance serves only its own sockets. */
export type FanoutStatus = 'ok' | 'degraded' | 'off';

/** What arrives from other instances, routed by the room registry. */
export interface FanoutListener {
  /** A committed doc update of another instance. */
  update(docId: string, update: Uint8Array, instanceId: string): void;
  /** A (coalesced) awareness update of another instance. */
  awareness(docId: string, update: Uint8Array, instanceId: string): void;
  /**
   * Fan-out came back after an outage (or a lost subscription): anything
   * published meanwhile was missed, so every loaded room catches up from storage.
   */
  resync(): void;
}

export interface Fanout {
  /** Random per process; messages carrying it are this instance's own echoes. */
  readonly instanceId: string;
  status(): FanoutStatus;
  /** Subscribes to the room's channel. Resolves once subscribed, or at once when off or down (resync covers the gap). */
  join(docId: string): Promise<void>;
  leave(docId: string): void;
  /** Publishes a committed update (never awaits; a failed publish is covered by resync). */
  publish: Publish;
  publishAwareness(docId: string, update: Uint8Array): void;
  listen(listener: FanoutListener): void;
  /** Relays domain events both ways between `bus` and the other instances; returns the undo. */
  bridge(bus: EventBus): () => void;
  close(): Promise<void>;
}

/** The single-instance fan-out: nothing leaves the process, nothing arrives. */
export function localFanout(): Fanout {
  return {
    instanceId: 'local',
    status: () => 'off',
    join: () => Promise.resolve(),
    leave: () => {},
    publish: noopPublish,
    publishAwareness: () => {},
    listen: () => {},
    bridge: () => () => {},
    close: () => Promise.resolve(),
  };
}
