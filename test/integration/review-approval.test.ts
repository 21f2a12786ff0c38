import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closeCode } from '../../shared/protocol';
import { proposalResponseSchema, sectionResponseSchema } from '../../shared/schemas/domain';
import { boardResponseSchema, commentResponseSchema, snapshotListSchema, snapshotResponseSchema, type StreamEvent } from '../../shared/schemas/review';
import { loadDoc } from '../../server/db/doc-updates';
import { snapshotSectionState } from '../../server/db/snapshots';
import { sectionText } from '../../shared/document/text-blocks';
import { openEventStream, type EventStream } from '../helpers/event-stream';
import { startTestServer, type TestServer } from '../helpers/server';
import { buildWorld, type CollabWorld, type UserClient } from '../helpers/factories';
import { fragmentText, stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';

let server: TestServer;
let world: CollabWorld;
const clients: StockClient[] = [];
const streams: EventStream[] = [];
const track = (c: StockClient) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
});
afterAll(async () => {
  for (const s of streams) s.close();
  for (const c of clients) c.destroy();
  await server?.stop();
});

/** The proposal's event stream for `user`, closed after the file. */
async function openStream(user: UserClient, proposalId: string): Promise<EventStream> {
  const stream = await openEventStream(server.url, user.cookie, proposalId);
  streams.push(stream);
  return stream;
}

async function moveTo(user: UserClient, sectionId: string, ...statuses: string[]): Promise<void> {
  for (const status of statuses) {
    // VRD9: the test's short sections are approved with a justification.
    const res = await user.patch(`/api/sections/${sectionId}`, status === 'approved' ? { status, justification: 'Approved short for the test (VRD9)' } : { status });
    expect(res.status, `${status}: ${JSON.stringify(res.body)}`).toBe(200);
  }
}

describe('review: the event stream', () => {
  it('REV7: comment, section and activity events reach every member\'s stream, a mention only the mentioned member\'s; a non-member gets 404', async () => {
    const section = world.sectionIds[0]!;
    expect((await openStream(world.outsider, world.proposal.id)).status).toBe(404);
    const members = { editor: world.editor, coordinator: world.coordinator, reviewer: world.reviewer };
    const byName = Object.fromEntries(
      await Promise.all(Object.entries(members).map(async ([name, user]) => [name, await openStream(user, world.proposal.id)] as const)),
    ) as Record<keyof typeof members, EventStream>;
    for (const [name, stream] of Object.entries(byName)) {
      expect(stream.status, name).toBe(200);
      // The first event is the presence the stream sends once it listens.
      await waitFor(() => stream.events[0]?.type === 'presence', 5000, `${name}'s first presence`);
    }
    // The reviewer mentions the editor in a new thread.
    const posted = await world.reviewer.post(`/api/sections/${section}/comments`, { body: '@Editor look', mentions: [world.editor.user.id] });
    expect(posted.status).toBe(201);
    const { threadId } = commentResponseSchema.parse(posted.body).comment;
    // A marker ordered after the mention on every stream (events are published in order, and each
    // stream sends them in order): the coordinator's next status change.
    await moveTo(world.coordinator, section, 'drafting');
    const marker: StreamEvent = { type: 'section', sectionId: section };
    const story = (stream: EventStream) => stream.events.filter((e) => e.type === 'comment' || e.type === 'mention' || e.type === 'section');
    for (const [name, stream] of Object.entries(byName)) {
      await waitFor(() => story(stream).some((e) => e.type === 'section'), 5000, `the marker on ${name}'s stream`);
    }
    const comment: StreamEvent = { type: 'comment', sectionId: section, threadId };
    expect(story(byName.editor)).toEqual([comment, { type: 'mention', sectionId: section, threadId, by: world.reviewer.user.id }, marker]);
    expect(story(byName.coordinator)).toEqual([comment, marker]);
    expect(story(byName.reviewer)).toEqual([comment, marker]);
    // Every member's stream gets the status change's activity entry, as the audit feed has it.
    for (const [name, stream] of Object.entries(byName)) {
      const changed = () =>
        stream.events.flatMap((e) => (e.type === 'activity' && e.event.action === 'section.status_changed' && e.event.sectionId === section ? [e.event] : []));
      await waitFor(() => changed().length > 0, 5000, `the activity entry on ${name}'s stream`);
      expect(changed().map(({ action, actorId, actorName, sectionId, data }) => ({ action, actorId, actorName, sectionId, data })), name).toEqual([
        { action: 'section.status_changed', actorId: world.coordinator.user.id, actorName: 'Coordinator', sectionId: section, data: { from: 'not_started', to: 'drafting' } },
      ]);
    }
  });

  it('REV8: typing updates the stored character count and pushes a completeness event; presence shows who is where', async () => {
    const section = world.sectionIds[1]!;
    const stream = await openStream(world.reviewer, world.proposal.id);
    const writer = track(stockClient(server.url, section, world.coordinator));
    await waitFor(() => writer.provider.synced);
    await waitFor(() => stream.events.some((e) => e.type === 'presence' && (e.sections[section] ?? []).some((u) => u.name === 'Coordinator')), 5000, 'presence');
    typeParagraph(writer, 'Twelve chars');
    typeParagraph(writer, 'and more');
    const expected = 'Twelve chars\nand more'.length;
    await waitFor(() => stream.events.some((e) => e.type === 'completeness' && e.sectionId === section && e.chars === expected), 5000, 'completeness event');
    const [row] = await server.ctx.db.query<{ chars: number }>(`select char_count as chars from sections where id = $1`, [section]);
    expect(row?.chars).toBe(expected);
    // The proposal and the section carry the stored count in their meter.
    const proposal = proposalResponseSchema.parse((await world.reviewer.get(`/api/proposals/${world.proposal.id}`)).body);
    const fromProposal = proposal.proposal.sections.find((s) => s.id === section);
    const fromSection = sectionResponseSchema.parse((await world.reviewer.get(`/api/sections/${section}`)).body).section;
    for (const s of [fromProposal, fromSection]) {
      const fill = s?.completeness.parts.find((p) => p.part === 'fill');
      expect(fill?.reason).toEqual({ kind: 'fill_short', params: { missing: s!.minChars - expected, min: s!.minChars } });
    }
    expect(fromSection.completeness).toEqual(fromProposal?.completeness);
    writer.destroy();
    await waitFor(() => stream.events.some((e) => e.type === 'presence' && (e.sections[section] ?? []).length === 0), 5000, 'presence after leaving');
  });
});

describe('review: approval', () => {
  it('REV9: approval snapshots the section and makes the owner\'s open socket read-only; an edit is then refused (the latency is in `npm run bench -- --only rights`)', async () => {
    const section = world.sectionIds[2]!;
    expect((await world.coordinator.patch(`/api/sections/${section}`, { ownerPartnerId: world.partnerId })).status).toBe(200);
    const owner = track(stockClient(server.url, section, world.editor));
    const watcher = track(stockClient(server.url, section, world.coordinator));
    await waitFor(() => owner.provider.synced && watcher.provider.synced);
    typeParagraph(owner, 'Our towns meet in Luleå.');
    await waitFor(() => fragmentText(watcher.doc).includes('Luleå'));
    await moveTo(world.editor, section, 'drafting', 'ready_for_review');
    await moveTo(world.coordinator, section, 'in_review');

    await moveTo(world.coordinator, section, 'approved');
    await waitFor(() => owner.closes.some((c) => c.code === closeCode.rightsChanged), 10_000, '4001 after the approval');

    await waitFor(() => owner.provider.synced, 5000, 'reconnected read-only');
    typeParagraph(owner, 'Written after approval');
    await waitFor(() => owner.closes.some((c) => c.code === closeCode.editRefused), 5000, '4403');
    // Nobody may write now, so the marker is a reader joining after the refusal: its sync step 2 is the
    // room's state after the refused frame. It, the watcher and the stored log hold the approved text only.
    const approvedXml = '<paragraph>Our towns meet in Luleå.</paragraph>';
    const reader = track(stockClient(server.url, section, world.reviewer));
    await waitFor(() => reader.provider.synced, 5000, 'a reader joining after the refusal');
    expect(fragmentText(reader.doc)).toBe(approvedXml);
    expect(fragmentText(watcher.doc)).toBe(approvedXml);
    const log = await loadDoc(server.ctx.db, section);
    const logged = new Y.Doc();
    if (log.snapshot) Y.applyUpdate(logged, log.snapshot);
    for (const u of log.updates) Y.applyUpdate(logged, u);
    expect(fragmentText(logged)).toBe(approvedXml);
    logged.destroy();

    const list = await world.reviewer.get(`/api/proposals/${world.proposal.id}/snapshots`);
    expect(list.status).toBe(200);
    const snap = snapshotListSchema.parse(list.body).snapshots.find((s) => s.kind === 'approval' && s.sectionId === section);
    const title = world.proposal.sections.find((s) => s.id === section)!;
    // TPL4: named by kind and data, rendered in the reader's language ("Approved: <number> <title>" in English).
    expect(snap?.label).toEqual({ kind: 'approval', params: { number: title.number, title: title.title } });
    expect(snap?.name).toBe(`${title.number} ${title.title}`);
    const stored = await snapshotSectionState(server.ctx.db, snap!.id, section);
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, stored!.state);
    expect(sectionText(fresh)).toBe('Our towns meet in Luleå.');
    expect(stored!.chars).toBe('Our towns meet in Luleå.'.length);
    fresh.destroy();
    expect((await world.outsider.get(`/api/proposals/${world.proposal.id}/snapshots`)).status).toBe(404);
  });

  it('REV10: the board maps partners to sections, filters "my sections", and names what blocks submission', async () => {
    const res = await world.coordinator.get(`/api/proposals/${world.proposal.id}/board`);
    expect(res.status).toBe(200);
    const board = boardResponseSchema.parse(res.body);
    expect(board.readyToSubmit).toBe(false);
    expect(board.sections.map((c) => c.sectionId)).toEqual(world.proposal.sections.map((x) => x.id));
    // Exactly: every section but the approved one is not approved yet, REV7's thread is open on the first,
    // and the call's partner and country minimums are not met (two partners, two countries).
    expect(board.blockers.map(({ kind, sectionId }) => ({ kind, sectionId }))).toEqual([
      ...world.proposal.sections.flatMap((s) => [
        ...(s.id === world.sectionIds[2] ? [] : [{ kind: 'status', sectionId: s.id }]),
        ...(s.id === world.sectionIds[0] ? [{ kind: 'threads', sectionId: s.id }] : []),
      ]),
      { kind: 'partners', sectionId: null },
      { kind: 'countries', sectionId: null },
    ]);
    const lulea = board.rows.find((m) => m.partnerId === world.partnerId);
    expect(lulea?.country).toBe('SE');
    expect(lulea?.cells.map((c) => c.sectionId)).toEqual([world.sectionIds[2]]);
    const mine = boardResponseSchema.parse((await world.editor.get(`/api/proposals/${world.proposal.id}/board?mine=1`)).body);
    expect(mine.sections.map((c) => c.sectionId)).toEqual([world.sectionIds[2]]);
    expect(mine.blockers).toEqual(board.blockers);
    expect((await world.outsider.get(`/api/proposals/${world.proposal.id}/board`)).status).toBe(404);
  });
});

describe('review: named snapshots', () => {
  it('REV9: the coordinator snapshots the whole proposal by name; other members may list but not take one', async () => {
    const res = await world.coordinator.post(`/api/proposals/${world.proposal.id}/snapshots`, { name: 'End of the Luleå meeting' });
    expect(res.status).toBe(201);
    const { snapshot } = snapshotResponseSchema.parse(res.body);
    expect(snapshot).toMatchObject({ name: 'End of the Luleå meeting', kind: 'manual', sectionId: null, sections: world.sectionIds.length });
    expect((await world.editor.post(`/api/proposals/${world.proposal.id}/snapshots`, { name: 'Mine' })).status).toBe(403);
    expect((await world.coordinator.post(`/api/proposals/${world.proposal.id}/snapshots`, { name: '' })).status).toBe(400);
    const list = snapshotListSchema.parse((await world.editor.get(`/api/proposals/${world.proposal.id}/snapshots`)).body);
    expect(list.snapshots[0]?.id).toBe(snapshot.id);
  });
});

describe('review: the event stream ends with access', () => {
  it('REV7: signing out ends the session\'s stream; removing a member ends theirs', async () => {
    const reviewerStream = await openStream(world.reviewer, world.proposal.id);
    const editorStream = await openStream(world.editor, world.proposal.id);
    await waitFor(() => reviewerStream.events.length > 0 && editorStream.events.length > 0);
    expect((await world.reviewer.post('/api/auth/logout')).status).toBe(204);
    await waitFor(() => reviewerStream.ended, 5000, 'stream ended after logout');
    expect(editorStream.ended).toBe(false);
    const removed = await world.coordinator.delete(`/api/members/${world.proposal.id}/${world.editor.user.id}`);
    expect([200, 204]).toContain(removed.status);
    await waitFor(() => editorStream.ended, 5000, 'stream ended after removal');
  });
});
