import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DomainEvent, EventBus } from '../events';
import type { Fanout, FanoutListener, FanoutMessage, FanoutStatus } from './fanout';

/**
 * Fan-out over Redis pub/sub: one publisher and one subscriber connection per
 * process. Redis holds nothing durable; Postgres stays the truth.
 *
 * Wire format on `room:<docId>` (binary): one kind byte (`u` update, `a`
 * awareness), the 16-byte instance id, the publish time (float64, ms since the
 * epoch: the receiver records the fan-out latency), then the Yjs payload. Domain
 * events go on `events` as JSON `{ from, event }`. A message carrying our own
 * instance id is an echo and is dropped (style habit 10: tagged origins, no echo,
 * no double store). ONE subscriber listener dispatches every message by channel.
 *
 * Outages: publishes fail fast while Redis is down (no offline queue: a
 * backlog would only replay what the catch-up reads from Postgres anyway).
 * Each connection reconnects with capped backoff; once both are back, every
 * channel is subscribed again and listeners get `resync()`.
 */
const EVENTS = 'events';
const KIND_UPDATE = 0x75; // 'u'
const KIND_AWARENESS = 0x61; // 'a'
const ID_BYTES = 16;
const TIME_BYTES = 8;
const HEADER_BYTES = 1 + ID_BYTES + TIME_BYTES;

/** Milliseconds since the epoch, with the precision of performance.now(). */
const nowMs = () => performance.timeOrigin + performance.now();

/** What the fan-out reports: failures and outages, and each delivered update's latency. */
export interface FanoutObserver {
  log(message: string, err: unknown): void;
  /** Seconds from another instance's publish to this instance's delivery to its rooms. */
  latency?(seconds: number): void;
}

const channelOf = (docId: string) => `room:${docId}`;

/** Reconnect backoff: 50 ms doubling to 1 s, forever. */
const retryStrategy = (times: number) => Math.min(50 * 2 ** Math.min(times, 5), 1000);

export function createRedisFanout(url: string, observer: FanoutObserver): Fanout {
  const log = (message: string, err: unknown) => observer.log(message, err);
  const instanceId = randomBytes(ID_BYTES / 2).toString('hex');
  const idBytes = Buffer.from(instanceId, 'latin1');
  const options = { retryStrategy, enableOfflineQueue: false, autoResubscribe: false, maxRetriesPerRequest: 1, connectTimeout: 2000 };
  const pub = new Redis(url, { ...options, connectionName: `twinpad-pub-${instanceId}` });
  const sub = new Redis(url, { ...options, connectionName: `twinpad-sub-${instanceId}` });
  const listeners: FanoutListener[] = [];
  /** Buses bridged to the other instances (`bridge`), each with the events that came from elsewhere. */
  const buses = new Map<EventBus, WeakSet<DomainEvent>>();
  /** Channels this process wants (one per loaded room, plus `events`). */
  const wanted = new Set<string>([EVENTS]);
  /** Something may have been missed (link down, a dropped publish, a failed subscribe): catch up once back. */
  let missed = false;
  let everReady = false;
  let closing = false;
  let warned = false;

  for (const conn of [pub, sub]) {
    // ioredis reports every failed reconnect attempt; one line per outage is enough.
    conn.on('error', (err: unknown) => {
      if (!closing && !everReady && !warned) {
        warned = true;
        log('redis fan-out: cannot connect yet, serving local sockets only', err);
      }
    });
    conn.on('ready', () => void onReady());
    conn.on('close', () => {
      if (closing || !everReady) return;
      if (!missed) log('redis fan-out: connection lost, serving local sockets only (degraded)', null);
      missed = true;
    });
  }

  const ready = () => pub.status === 'ready' && sub.status === 'ready';

  /** Both connections are up: subscribe everything, then (after an outage) let rooms catch up. */
  async function onReady(): Promise<void> {
    if (!ready()) return;
    try {
      await sub.subscribe(...wanted);
    } catch (err) {
      log('redis fan-out: subscribe failed', err);
      return;
    }
    const catchUp = missed;
    missed = false;
    everReady = true;
    if (!catchUp) return;
    log('redis fan-out: back; loaded rooms catch up from storage', null);
    for (const l of listeners) l.resync();
    // The others may not have noticed our outage (only our link was down): what we
    // committed meanwhile never reached them, so they catch up too.
    send(EVENTS, JSON.stringify({ from: instanceId, resync: true }));
  }

  /** The one subscriber listener: `events` carries JSON envelopes, `room:<docId>` binary frames. */
  sub.on('messageBuffer', (channelBuf: Buffer, message: Buffer) => {
    const channel = channelBuf.toString();
    if (channel === EVENTS) onEnvelope(message.toString());
    else if (channel.startsWith('room:')) onRoomMessage(channel.slice('room:'.length), message);
  });

  function onEnvelope(text: string): void {
    const parsed = parseEnvelope(text);
    if (!parsed || parsed.from === instanceId) return;
    if (parsed.resync === true) {
      for (const l of listeners) l.resync();
      return;
    }
    const event = parsed.event;
    if (!isDomainEvent(event)) return;
    for (const [bus, remote] of buses) {
      remote.add(event);
      bus.publish(event);
    }
  }

  function onRoomMessage(docId: string, message: Buffer): void {
    if (message.length <= HEADER_BYTES) return;
    const from = message.toString('latin1', 1, 1 + ID_BYTES);
    if (from === instanceId) return;
    const sentAt = message.readDoubleBE(1 + ID_BYTES);
    const payload = new Uint8Array(message.buffer, message.byteOffset + HEADER_BYTES, message.length - HEADER_BYTES);
    const kind = message[0];
    for (const l of listeners) {
      if (kind === KIND_UPDATE) l.update(docId, payload, from);
      else if (kind === KIND_AWARENESS) l.awareness(docId, payload, from);
    }
    if (kind === KIND_UPDATE && listeners.length > 0) {
      const seconds = (nowMs() - sentAt) / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) observer.latency?.(seconds);
    }
  }

  function send(channel: string, message: Buffer | string): void {
    if (pub.status !== 'ready') {
      // Dropped: once the link is back, a resync notice makes every instance catch up.
      missed = true;
      return;
    }
    pub.publish(channel, message).catch((err: unknown) => {
      missed = true;
      log('redis fan-out: publish failed', err);
    });
  }

  const frame = (kind: number, payload: Uint8Array) => {
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    header[0] = kind;
    idBytes.copy(header, 1);
    header.writeDoubleBE(nowMs(), 1 + ID_BYTES);
    return Buffer.concat([header, payload]);
  };

  return {
    instanceId,
    status(): FanoutStatus {
      return ready() ? 'ok' : 'degraded';
    },
    async join(docId) {
      const channel = channelOf(docId);
      wanted.add(channel);
      if (sub.status !== 'ready') {
        // Down: the load goes ahead; onReady subscribes and resync fills the gap.
        missed = true;
        return;
      }
      try {
        await sub.subscribe(channel);
      } catch (err) {
        missed = true;
        log('redis fan-out: subscribe failed', err);
      }
    },
    leave(docId) {
      const channel = channelOf(docId);
      if (!wanted.delete(channel)) return;
      if (sub.status === 'ready') sub.unsubscribe(channel).catch(() => {});
    },
    publish(message: FanoutMessage) {
      send(channelOf(message.docId), frame(KIND_UPDATE, message.update));
    },
    publishAwareness(docId, update) {
      send(channelOf(docId), frame(KIND_AWARENESS, update));
    },
    listen(listener) {
      listeners.push(listener);
    },
    bridge(bus: EventBus) {
      /** Events that came from another instance: delivered locally, never sent back out. */
      const remote = new WeakSet<DomainEvent>();
      buses.set(bus, remote);
      const off = bus.subscribe((event) => {
        if (!remote.has(event)) send(EVENTS, JSON.stringify({ from: instanceId, event }));
      });
      return () => {
        off();
        buses.delete(bus);
      };
    },
    async close() {
      closing = true;
      listeners.length = 0;
      buses.clear();
      await Promise.all([pub, sub].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

interface Envelope {
  from?: unknown;
  event?: unknown;
  resync?: unknown;
}

function parseEnvelope(text: string): Envelope | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Envelope) : null;
  } catch {
    return null;
  }
}

/** Every domain event crosses instances (rights re-checks, the proposal event stream, presence); a new type must be listed here. */
const crossesInstances: Record<DomainEvent['type'], true> = {
  'section.changed': true,
  'section.restored': true,
  'member.changed': true,
  'partner.changed': true,
  'sessions.ended': true,
  'session.ended': true,
  'comment.changed': true,
  mention: true,
  'completeness.changed': true,
  'presence.changed': true,
  'meeting.changed': true,
  'meeting.focus': true,
  'snapshots.changed': true,
  'verdicts.changed': true,
};

/** Events come from our own instances; this only guards against a stray publisher on the channel. */
function isDomainEvent(value: unknown): value is DomainEvent {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && Object.hasOwn(crossesInstances, type);
}
