import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingListSchema, meetingResponseSchema, proposalChangesResponseSchema } from '../../shared/schemas/history';
import { proposalResponseSchema } from '../../shared/schemas/domain';
import { boardResponseSchema, snapshotListSchema, snapshotResponseSchema } from '../../shared/schemas/review';
import type { ApiClient } from '../helpers/http';
import { signUp, seedWorkshop, type Workshop } from '../helpers/factories';
import { openEventStream, type EventStream } from '../helpers/event-stream';
import { startTestServer, type TestServer } from '../helpers/server';
import { fragmentText, stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';

let server: TestServer;
let w: Workshop;
const closers: (() => void)[] = [];

beforeAll(async () => {
  server = await startTestServer();
  w = await seedWorkshop(server);
});
afterAll(async () => {
  for (const close of closers) close();
  await server?.stop();
});

/** The proposal's event stream for `client`, closed after the file. */
async function openStream(client: ApiClient, proposalId: string): Promise<EventStream> {
  const stream = await openEventStream(server.url, client.cookie, proposalId);
  closers.push(() => stream.close());
  return stream;
}

const meetingInput = { name: 'Kick-off workshop', city: 'Luleå', date: '2026-12-03' };

describe('history: workshop meetings', () => {
  it('HIS4: the coordinator starts a meeting (a meeting snapshot, a stream event); one open meeting per proposal; others may not start one', async () => {
    const stream = await openStream(w.editors.lulea, w.proposal.id);
    expect(stream.status).toBe(200);
    expect((await w.editors.bologna.post(`/api/proposals/${w.proposal.id}/meetings`, meetingInput)).status).toBe(403);
    const stranger = await signUp(server);
    expect((await stranger.post(`/api/proposals/${w.proposal.id}/meetings`, meetingInput)).status).toBe(404);
    expect((await w.coordinator.post(`/api/proposals/${w.proposal.id}/meetings`, { ...meetingInput, date: 'tomorrow' })).status).toBe(400);

    const res = await w.coordinator.post(`/api/proposals/${w.proposal.id}/meetings`, meetingInput);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const { meeting } = meetingResponseSchema.parse(res.body);
    expect(meeting).toMatchObject({ ...meetingInput, facilitator: { id: w.coordinator.user.id }, endSnapshotId: null, endedAt: null, focus: { sectionId: null, scroll: 0 } });
    const snaps = snapshotListSchema.parse((await w.reviewer.get(`/api/proposals/${w.proposal.id}/snapshots`)).body).snapshots;
    const start = snaps.find((s) => s.id === meeting.startSnapshotId);
    expect(start).toMatchObject({ kind: 'meeting', sections: w.proposal.sections.length });
    await waitFor(() => stream.events.some((e) => e.type === 'meeting' && e.meetingId === meeting.id), 10_000, 'meeting event');

    expect((await w.coordinator.post(`/api/proposals/${w.proposal.id}/meetings`, { ...meetingInput, name: 'Second' })).status).toBe(409);
    const list = meetingListSchema.parse((await w.reviewer.get(`/api/proposals/${w.proposal.id}/meetings`)).body);
    expect(list.meetings.map((m) => m.id)).toEqual([meeting.id]);
    expect((await stranger.get(`/api/proposals/${w.proposal.id}/meetings`)).status).toBe(404);
  });

  it('HIS5: the facilitator\'s focus reaches another member\'s stream; only the facilitator may move it', async () => {
    const open = meetingListSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/meetings`)).body).meetings[0]!;
    const stream = await openStream(w.reviewer, w.proposal.id);
    const sectionId = w.proposal.sections[3]!.id;
    const t0 = performance.now();
    const res = await w.coordinator.post(`/api/meetings/${open.id}/focus`, { sectionId, scroll: 0.4 });
    expect(res.status).toBe(204);
    await waitFor(
      () => stream.events.some((e) => e.type === 'focus' && e.meetingId === open.id && e.sectionId === sectionId && e.scroll === 0.4),
      10_000,
      'focus event',
    );
    console.log(`HIS5: focus to another member's stream: ${(performance.now() - t0).toFixed(1)} ms (${server.ctx.db.backend})`);
    const after = meetingResponseSchema.parse((await w.reviewer.get(`/api/meetings/${open.id}`)).body).meeting;
    expect(after.focus).toEqual({ sectionId, scroll: 0.4 });

    expect((await w.editors.lulea.post(`/api/meetings/${open.id}/focus`, { sectionId, scroll: 0.1 })).status).toBe(403);
    expect((await (await signUp(server)).post(`/api/meetings/${open.id}/focus`, { sectionId, scroll: 0.1 })).status).toBe(404);
    expect((await w.coordinator.post(`/api/meetings/${open.id}/focus`, { sectionId, scroll: 2 })).status).toBe(400);
    expect((await w.coordinator.post(`/api/meetings/${open.id}/focus`, { sectionId: '00000000-0000-4000-8000-000000000000', scroll: 0 })).status).toBe(404);
  });

  it('HIS6: ending takes a second snapshot; "changed during this meeting" lists what each partner wrote between the two; an ended meeting cannot end or move again', async () => {
    const open = meetingListSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/meetings`)).body).meetings[0]!;
    const section = w.proposal.sections.find((s) => s.ownerPartnerId === w.partners.bologna.id)!;
    const client: StockClient = stockClient(server.url, section.id, w.editors.bologna);
    closers.push(() => client.destroy());
    await waitFor(() => client.provider.synced, 5000, 'synced');
    typeParagraph(client, 'Agreed in Luleå');
    const viewer = stockClient(server.url, section.id, w.coordinator);
    closers.push(() => viewer.destroy());
    await waitFor(() => fragmentText(viewer.doc).includes('Agreed in Luleå'), 5000, 'committed and relayed');

    const stream = await openStream(w.editors.helsinki, w.proposal.id);
    expect((await w.editors.bologna.post(`/api/meetings/${open.id}/end`, {})).status).toBe(403);
    const res = await w.coordinator.post(`/api/meetings/${open.id}/end`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ended = meetingResponseSchema.parse(res.body).meeting;
    expect(ended.endSnapshotId).not.toBeNull();
    expect(ended.endedAt).not.toBeNull();
    await waitFor(() => stream.events.some((e) => e.type === 'meeting' && e.meetingId === open.id), 10_000, 'meeting end event');
    typeParagraph(client, 'Written after the meeting');
    await waitFor(() => fragmentText(viewer.doc).includes('after the meeting'), 5000, 'later edit');

    const changes = await w.reviewer.get(`/api/proposals/${w.proposal.id}/changes?since=${ended.startSnapshotId}&until=${ended.endSnapshotId}`);
    expect(changes.status).toBe(200);
    const body = proposalChangesResponseSchema.parse(changes.body);
    expect(body.until).toBe(ended.endSnapshotId);
    expect(body.sections.filter((s) => s.changed).map((s) => s.sectionId)).toEqual([section.id]);
    const diff = body.sections.find((s) => s.sectionId === section.id)!;
    const inserted = diff.runs.filter((r) => r.op === 'insert').map((r) => r.text).join('');
    // Exactly what was written between the two snapshots: not the edit made after the meeting.
    expect(inserted).toBe('Agreed in Luleå');
    expect(body.byPartner).toEqual([
      {
        partnerId: w.partners.bologna.id,
        partnerName: w.partners.bologna.name,
        country: 'IT',
        insertedChars: 'Agreed in Luleå'.length,
        deletedChars: 0,
        people: [{ userId: w.editors.bologna.user.id, name: 'Bruno Bologna', insertedChars: 'Agreed in Luleå'.length, deletedChars: 0 }],
      },
    ]);

    expect((await w.coordinator.post(`/api/meetings/${open.id}/end`, {})).status).toBe(409);
    expect((await w.coordinator.post(`/api/meetings/${open.id}/focus`, { sectionId: null, scroll: 0 })).status).toBe(409);
    // A new meeting may start once the last one ended.
    expect((await w.coordinator.post(`/api/proposals/${w.proposal.id}/meetings`, { ...meetingInput, name: 'Second' })).status).toBe(201);
  });
});

describe('history: submission', () => {
  it('HIS7: the coordinator submits once nothing blocks it: approved sections become final and a submission snapshot is taken', async () => {
    const fresh = await seedWorkshop(server);
    const id = fresh.proposal.id;
    const refused = await fresh.coordinator.post(`/api/proposals/${id}/submit`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'not_ready_to_submit' } });
    expect((await fresh.editors.bologna.post(`/api/proposals/${id}/submit`, {})).status).toBe(403);
    expect((await (await signUp(server)).post(`/api/proposals/${id}/submit`, {})).status).toBe(404);

    for (const section of fresh.proposal.sections) {
      for (const status of ['drafting', 'ready_for_review', 'in_review', 'approved']) {
        const r = await fresh.coordinator.patch(`/api/sections/${section.id}`, status === 'approved' ? { status, justification: 'Approved short for the test (VRD9)' } : { status });
        expect(r.status, `${status}: ${JSON.stringify(r.body)}`).toBe(200);
      }
    }
    const board = boardResponseSchema.parse((await fresh.coordinator.get(`/api/proposals/${id}/board`)).body);
    expect(board.blockers).toEqual([]);
    const res = await fresh.coordinator.post(`/api/proposals/${id}/submit`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const { snapshot } = snapshotResponseSchema.parse(res.body);
    expect(snapshot).toMatchObject({ kind: 'submission', sectionId: null, sections: fresh.proposal.sections.length });
    const after = proposalResponseSchema.parse((await fresh.reviewer.get(`/api/proposals/${id}`)).body).proposal;
    expect(after.sections.every((s) => s.status === 'final')).toBe(true);
  });
});
