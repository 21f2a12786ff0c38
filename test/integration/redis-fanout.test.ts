// @module-tag needs-redis-server
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { GroupCommitter, type Persistence } from '../../server/collab/persistence';
import { createRedisFanout } from '../../server/collab/redis-fanout';
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
const fanout = () => {
  const f = createRedisFanout(redis.url, () => {});
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
    room.closeAll(1001, 'test over');
    remote.destroy();
  });
});
