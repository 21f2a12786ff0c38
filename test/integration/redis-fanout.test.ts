// @module-tag needs-redis-server
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { GroupCommitter, type Persistence } from '../../server/collab/persistence';
import { createRedisFanout, type FanoutObserver } from '../../server/collab/redis-fanout';
import { RoomRegistry } from '../../server/collab/rooms';
import type { Fanout } from '../../server/collab/fanout';
import { EventBus, type DomainEvent } from '../../server/events';
import { openTestDatabase, type TestDatabase } from '../helpers/db';
import { startRedis, type RedisProcess } from '../helpers/instances';
import { waitFor } from '../helpers/yclient';

/**
 * The Redis fan-out on its own, against a Redis of this file's own: no echo,
 * no event ping-pong, and a room is subscribed before its load reads storage.
 */
let redis: RedisProcess;
let probe: Redis;
let database: TestDatabase;
const opened: Fanout[] = [];
const fanout = (observer: FanoutObserver = { log: () => {} }) => {
  const f = createRedisFanout(redis.url, observer);
  opened.push(f);
  return f;
};

beforeAll(async () => {
  [redis, database] = await Promise.all([startRedis(), openTestDatabase()]);
  probe = new Redis(redis.url);
});
afterAll(async () => {
  await Promise.all(opened.map((f) => f.close()));
  probe?.disconnect();
  await redis?.stop();
  await database?.dispose();
});

const docId = () => crypto.randomUUID();

describe('redis fan-out', () => {
  it('MI2: an update reaches the other instance once and never comes back to its publisher', async () => {
    const [one, two] = [fanout(), fanout()];
    const got: Record<'one' | 'two', { docId: string; from: string; bytes: number[] }[]> = { one: [], two: [] };
    for (const [name, f] of [['one', one], ['two', two]] as const) {
      f.listen({ update: (d, u, from) => got[name].push({ docId: d, from, bytes: [...u] }), awareness: () => {}, resync: () => {} });
    }
    await waitFor(() => one.status() === 'ok' && two.status() === 'ok', 5000, 'both connected');
    const doc = docId();
    await Promise.all([one.join(doc), two.join(doc)]);
    one.publish({ docId: doc, update: Uint8Array.of(1, 2, 3) });
    await waitFor(() => got.two.length === 1, 5000, 'two got it');
    // A marker from `two` on the same channel: once `one` has it, an echo of its own update would have arrived first.
    two.publish({ docId: doc, update: Uint8Array.of(9) });
    await waitFor(() => got.one.length >= 1, 5000, 'one got the marker');
    expect(got.two).toEqual([{ docId: doc, from: one.instanceId, bytes: [1, 2, 3] }]);
    expect(got.one).toEqual([{ docId: doc, from: two.instanceId, bytes: [9] }]);
  });

  it('MI4: a domain event reaches the other instance\'s bus once and is not sent back (no ping-pong)', async () => {
    const [one, two] = [fanout(), fanout()];
    const [busOne, busTwo] = [new EventBus(), new EventBus()];
    one.bridge(busOne);
    two.bridge(busTwo);
    const seen: Record<'one' | 'two', DomainEvent[]> = { one: [], two: [] };
    busOne.subscribe((e) => seen.one.push(e));
    busTwo.subscribe((e) => seen.two.push(e));
    await waitFor(() => one.status() === 'ok' && two.status() === 'ok', 5000, 'both connected');
    const first: DomainEvent = { type: 'section.changed', proposalId: docId(), sectionId: docId() };
    busOne.publish(first);
    await waitFor(() => seen.two.length === 1, 5000, 'two got the event');
    const marker: DomainEvent = { type: 'session.ended', userId: docId(), sessionId: docId() };
    busTwo.publish(marker);
    await waitFor(() => seen.one.length === 2, 5000, 'one got the marker');
    expect(seen.one).toEqual([first, marker]);
    expect(seen.two).toEqual([first, marker]);
  });

  it('MI2: a room is subscribed to its channel before its load reads storage, and an update arriving during the load is applied after it', async () => {
    const [f, other, witness] = [fanout(), fanout(), fanout()];
    await waitFor(() => [f, other, witness].every((x) => x.status() === 'ok'), 5000, 'connected');
    let witnessed = 0;
    witness.listen({ update: () => witnessed++, awareness: () => {}, resync: () => {} });
    const committer = new GroupCommitter(database.db);
    const doc = docId();
    let subscribersAtLoad = -1;
    const remote = new Y.Doc();
    remote.getText('t').insert(0, 'from the other instance');
    await witness.join(doc);
    // The real committer, with a load that looks at Redis first and lets an update arrive mid-load.
    const storage: Persistence = {
      async load(id) {
        const [, count] = (await probe.pubsub('NUMSUB', `room:${id}`)) as [string, number];
        subscribersAtLoad = Number(count);
        other.publish({ docId: id, update: Y.encodeStateAsUpdate(remote) });
        await waitFor(() => witnessed === 1, 5000, 'the update was delivered mid-load');
        return committer.load(id);
      },
      append: (id, update, userId) => committer.append(id, update, userId),
      compact: (id, state, upto, holds) => committer.compact(id, state, upto, holds),
      flush: () => committer.flush(),
    };
    const registry = new RoomRegistry(storage, f.publish, () => {}, f);
    const room = registry.room(doc);
    await room.whenReady();
    expect(subscribersAtLoad).toBe(2); // the room's instance and the witness
    await waitFor(() => room.doc.getText('t').toString() === 'from the other instance', 5000, 'update from the load window applied');
    room.closeAll(1001, 'going_away');
    remote.destroy();
  });

  it('SVC9: one subscriber listener: a resync notice, a domain event and a room update are each handled exactly once', async () => {
    const [one, two] = [fanout(), fanout()];
    const bus = new EventBus();
    two.bridge(bus);
    const seen = { resync: 0, events: [] as DomainEvent[], updates: 0 };
    two.listen({ update: () => seen.updates++, awareness: () => {}, resync: () => seen.resync++ });
    bus.subscribe((e) => seen.events.push(e));
    await waitFor(() => one.status() === 'ok' && two.status() === 'ok', 5000, 'both connected');
    const doc = docId();
    await two.join(doc);
    await probe.publish('events', JSON.stringify({ from: 'someone-else', resync: true }));
    const event: DomainEvent = { type: 'section.changed', proposalId: docId(), sectionId: docId() };
    const oneBus = new EventBus();
    one.bridge(oneBus);
    oneBus.publish(event);
    one.publish({ docId: doc, update: Uint8Array.of(7) });
    // A marker after all three: once it is in, any second handling would have come before it.
    const marker: DomainEvent = { type: 'session.ended', userId: docId(), sessionId: docId() };
    oneBus.publish(marker);
    await waitFor(() => seen.events.length >= 2 && seen.updates >= 1, 5000, 'marker arrived');
    expect(seen).toEqual({ resync: 1, events: [event, marker], updates: 1 });
  });

  it('SVC10: an update carries its publish time, and the receiver observes the fan-out latency', async () => {
    const latencies: number[] = [];
    const [one, two] = [fanout(), fanout({ log: () => {}, latency: (s) => latencies.push(s) })];
    const got: number[][] = [];
    two.listen({ update: (_d, u) => got.push([...u]), awareness: () => {}, resync: () => {} });
    await waitFor(() => one.status() === 'ok' && two.status() === 'ok', 5000, 'both connected');
    const doc = docId();
    await two.join(doc);
    // The clock the fan-out stamps with; the latency it reports lies within the interval the test observes.
    const now = () => performance.timeOrigin + performance.now();
    const sent = now();
    one.publish({ docId: doc, update: Uint8Array.of(4, 5, 6) });
    await waitFor(() => got.length === 1, 5000, 'delivered');
    const seen = now();
    expect(got).toEqual([[4, 5, 6]]);
    expect(latencies).toHaveLength(1);
    expect(latencies[0]).toBeGreaterThanOrEqual(0);
    expect(latencies[0]).toBeLessThanOrEqual((seen - sent) / 1000 + 1e-9);
  });
});
