import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingResponseSchema } from '../../shared/schemas/history';
import { openEventStream, type EventStream } from '../helpers/event-stream';
import { buildWorld, joinAs, type CollabWorld, type UserClient } from '../helpers/factories';
import type { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/yclient';

/**
 * SEC28: live powers follow the member's rights at once. A facilitator who is
 * demoted no longer steers the projector, and every open event stream of a
 * member whose rights changed is told (or ended, once they are removed).
 */
let server: TestServer;
let world: CollabWorld;
const closers: (() => void)[] = [];

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
});
afterAll(async () => {
  for (const close of closers) close();
  await server?.stop();
});

async function openStream(client: ApiClient): Promise<EventStream> {
  const stream = await openEventStream(server.url, client.cookie, world.proposal.id);
  closers.push(() => stream.close());
  expect(stream.status).toBe(200);
  // The first event (presence) says the stream is subscribed.
  await waitFor(() => stream.events.length > 0, 5000, 'the stream started');
  return stream;
}

/** A second coordinator of the lead partner, who can start (and so facilitate) a meeting. */
async function secondCoordinator(name: string): Promise<UserClient> {
  const lead = world.proposal.partners.find((p) => p.isLead)!;
  return (await joinAs(server, world.coordinator, world.proposal.id, lead.id, 'coordinator', { name })).client;
}

describe('SEC28 demoted roles lose their live powers at once', () => {
  it('SEC28 a facilitator demoted mid-meeting gets 403 on the next focus move, and their open stream receives the rights event', async () => {
    const facilitator = await secondCoordinator('Facilitator');
    const started = await facilitator.post(`/api/proposals/${world.proposal.id}/meetings`, { name: 'Luleå workshop', city: 'Luleå', date: '2026-12-03' });
    expect(started.status).toBe(201);
    const meeting = meetingResponseSchema.parse(started.body).meeting;
    const sectionId = world.sectionIds[0]!;
    try {
      expect((await facilitator.post(`/api/meetings/${meeting.id}/focus`, { sectionId, scroll: 0.2 })).status).toBe(204);
      const stream = await openStream(facilitator);
      const demoted = await world.coordinator.patch(`/api/members/${world.proposal.id}/${facilitator.user.id}`, { role: 'editor' });
      expect(demoted.status).toBe(200);
      await waitFor(() => stream.events.some((e) => e.type === 'rights'), 5000, 'the rights event');
      expect(stream.events.filter((e) => e.type === 'rights')).toEqual([{ type: 'rights', role: 'editor', partnerId: world.proposal.partners.find((p) => p.isLead)!.id }]);
      expect(stream.ended).toBe(false);
      const refused = await facilitator.post(`/api/meetings/${meeting.id}/focus`, { sectionId, scroll: 0.5 });
      expect(refused.status).toBe(403);
      // The projector still shows the last focus the facilitator was allowed to set.
      const after = meetingResponseSchema.parse((await world.reviewer.get(`/api/meetings/${meeting.id}`)).body).meeting;
      expect(after.focus).toEqual({ sectionId, scroll: 0.2 });
      // Promoted again, the facilitator leads again (the meeting is still theirs).
      expect((await world.coordinator.patch(`/api/members/${world.proposal.id}/${facilitator.user.id}`, { role: 'coordinator' })).status).toBe(200);
      await waitFor(() => stream.events.filter((e) => e.type === 'rights').length === 2, 5000, 'the second rights event');
      expect(stream.events.filter((e) => e.type === 'rights').at(-1)).toEqual({ type: 'rights', role: 'coordinator', partnerId: world.proposal.partners.find((p) => p.isLead)!.id });
      expect((await facilitator.post(`/api/meetings/${meeting.id}/focus`, { sectionId, scroll: 0.6 })).status).toBe(204);
    } finally {
      expect((await world.coordinator.post(`/api/meetings/${meeting.id}/end`, {})).status).toBe(200);
    }
  });

  it('SEC28 a partner change tells that member\'s stream; other members\' streams get no rights event', async () => {
    const member = await secondCoordinator('Moved');
    const mine = await openStream(member);
    const theirs = await openStream(world.reviewer);
    const moved = await world.coordinator.patch(`/api/members/${world.proposal.id}/${member.user.id}`, { partnerId: world.partnerId });
    expect(moved.status).toBe(200);
    await waitFor(() => mine.events.some((e) => e.type === 'rights'), 5000, 'the rights event');
    expect(mine.events.filter((e) => e.type === 'rights')).toEqual([{ type: 'rights', role: 'coordinator', partnerId: world.partnerId }]);
    // The reviewer's stream heard the same change (the proposal event) without a rights event.
    await waitFor(() => theirs.events.some((e) => e.type === 'proposal'), 5000, 'the proposal event');
    expect(theirs.events.filter((e) => e.type === 'rights')).toEqual([]);
  });

  it('SEC28 a removed member\'s stream ends, and they cannot open another (404)', async () => {
    const member = await secondCoordinator('Leaver');
    const stream = await openStream(member);
    expect((await world.coordinator.delete(`/api/members/${world.proposal.id}/${member.user.id}`)).status).toBe(204);
    await waitFor(() => stream.ended, 5000, 'the stream ended');
    expect(stream.events.filter((e) => e.type === 'rights')).toEqual([]);
    expect((await openEventStream(server.url, member.cookie, world.proposal.id)).status).toBe(404);
  });
});
