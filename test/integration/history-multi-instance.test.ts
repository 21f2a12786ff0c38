// @module-tag needs-postgres
// @module-tag needs-redis
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream } from '../helpers/event-stream';
import { meetingResponseSchema } from '../../shared/schemas/history';
import { snapshotResponseSchema } from '../../shared/schemas/review';
import { createScratchDatabase, startInstance, type Instance, type ScratchDatabase } from '../helpers/instances';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { fragmentText, stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';

/**
 * HIS10: history and meetings across two instances (one Postgres database, the
 * local Redis): the facilitator's focus and a restore made on A reach B.
 */
const redisUrl = 'redis://127.0.0.1:6379';
let database: ScratchDatabase;
let a: Instance;
let b: Instance;
let world: CollabWorld;
const clients: StockClient[] = [];

beforeAll(async () => {
  database = await createScratchDatabase('tp_his');
  [a, b] = await Promise.all([startInstance({ DATABASE_URL: database.url, REDIS_URL: redisUrl }), startInstance({ DATABASE_URL: database.url, REDIS_URL: redisUrl })]);
  world = await buildWorld(a);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all([a?.kill(), b?.kill()]);
  await database?.drop();
});

describe('history across instances (Postgres + Redis)', () => {
  it('HIS10: the facilitator\'s focus set on A reaches a member\'s stream on B', async () => {
    const stream = await openEventStream(b.url, world.reviewer.cookie, world.proposal.id);
    expect(stream.status).toBe(200);
    try {
      const started = await world.coordinator.post(`/api/proposals/${world.proposal.id}/meetings`, { name: 'Workshop', city: 'Bologna', date: '2026-12-01' });
      expect(started.status).toBe(201);
      const { meeting } = meetingResponseSchema.parse(started.body);
      await waitFor(() => stream.events.some((e) => e.type === 'meeting' && e.meetingId === meeting.id), 10_000, 'meeting event on B');
      const section = world.sectionIds[2]!;
      const t0 = Date.now();
      expect((await world.coordinator.post(`/api/meetings/${meeting.id}/focus`, { sectionId: section, scroll: 0.25 })).status).toBe(204);
      await waitFor(() => stream.events.some((e) => e.type === 'focus' && e.sectionId === section && e.scroll === 0.25), 10_000, 'focus event on B');
      console.log(`HIS10: focus from A to a stream on B: ${Date.now() - t0} ms`);
    } finally {
      stream.close();
    }
  });

  it('HIS10: a restore requested on A reaches a client connected to B, and clients on both converge to the snapshot\'s text', async () => {
    const section = world.sectionIds[0]!;
    const onA = stockClient(a.url, section, world.coordinator);
    const onB = stockClient(b.url, section, world.coordinator);
    clients.push(onA, onB);
    await waitFor(() => onA.provider.synced && onB.provider.synced, 5000, 'synced');
    typeParagraph(onB, 'The version we agreed.');
    await waitFor(() => fragmentText(onA.doc) === fragmentText(onB.doc) && fragmentText(onA.doc).includes('agreed'), 5000, 'A sees it');
    const agreed = fragmentText(onB.doc);
    const snap = await world.coordinator.post(`/api/proposals/${world.proposal.id}/snapshots`, { name: 'Agreed' });
    expect(snap.status).toBe(201);
    typeParagraph(onB, 'A later idea.');
    await waitFor(() => fragmentText(onA.doc).includes('later idea'), 5000, 'A sees the later idea');

    const res = await world.coordinator.post(`/api/sections/${section}/restore`, { snapshotId: snapshotResponseSchema.parse(snap.body).snapshot.id });
    expect(res.status).toBe(200);
    await waitFor(() => fragmentText(onA.doc) === agreed && fragmentText(onB.doc) === agreed, 5000, 'both back at the snapshot');
  });
});
