import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { limits } from '../../shared/limits';
import { sectionResponseSchema } from '../../shared/schemas/domain';
import { restoreResponseSchema } from '../../shared/schemas/history';
import { snapshotResponseSchema } from '../../shared/schemas/review';
import { verdictResponseSchema, verdictResetThreshold, type VerdictRow } from '../../shared/schemas/verdicts';
import { openEventStream } from '../helpers/event-stream';
import { buildWorld, getProposal, joinAs, type CollabWorld, type UserClient } from '../helpers/factories';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';

/**
 * VRD1-VRD5: reviewers sign off. The world's sections belong to the lead
 * (Bologna): the coordinator and the reviewer are Bologna's, so they may not
 * give a verdict on them; the Luleå editor and a Luleå reviewer may.
 */
let server: TestServer;
let world: CollabWorld;
let outsideReviewer: UserClient;
const clients: StockClient[] = [];
const closers: (() => void)[] = [];

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
  outsideReviewer = (await joinAs(server, world.coordinator, world.proposal.id, world.partnerId, 'reviewer', { name: 'Lotta Reviewer' })).client;
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const close of closers) close();
  await server?.stop();
});

const put = (client: ApiClient, sectionId: string, body: unknown) => client.request('PUT', `/api/sections/${sectionId}/verdict`, body);
const errorOf = (body: unknown) => (body as { error: { code: string; params?: Record<string, unknown> } }).error;

async function sectionVerdicts(client: ApiClient, sectionId: string): Promise<VerdictRow[]> {
  const res = await client.get(`/api/sections/${sectionId}`);
  expect(res.status).toBe(200);
  return sectionResponseSchema.parse(res.body).section.verdicts;
}

async function auditOf(sectionId: string, action: string): Promise<Record<string, unknown>[]> {
  const rows = await server.database.db.query<{ data: Record<string, unknown> }>(
    `select data from audit_events where section_id = $1 and action = $2 order by id`,
    [sectionId, action],
  );
  return rows.map((r) => r.data);
}

/** Moves a section to drafting through the workflow (the coordinator may take the first step). */
async function draft(sectionId: string): Promise<void> {
  const res = await world.coordinator.patch(`/api/sections/${sectionId}`, { status: 'drafting' });
  expect(res.status).toBe(200);
}

const editUnits = async (sectionId: string) =>
  Number((await server.database.db.query<{ u: number }>(`select edit_units as u from sections where id = $1`, [sectionId]))[0]!.u);

describe('VRD verdict API', () => {
  it('VRD1: rejects without session (401), a non-member gets 404', async () => {
    const sectionId = world.sectionIds[0]!;
    const anon = new ApiClient(server.url);
    expect((await put(anon, sectionId, { verdict: 'ready' })).status).toBe(401);
    expect((await anon.delete(`/api/sections/${sectionId}/verdict`)).status).toBe(401);
    expect((await put(world.outsider, sectionId, { verdict: 'ready' })).status).toBe(404);
    expect((await world.outsider.delete(`/api/sections/${sectionId}/verdict`)).status).toBe(404);
  });

  it('VRD2: members of the owner partner get 403 verdict_own_section, whatever their role (the lead coordinator and reviewer here)', async () => {
    const sectionId = world.sectionIds[1]!;
    await draft(sectionId);
    for (const client of [world.coordinator, world.reviewer]) {
      const res = await put(client, sectionId, { verdict: 'ready' });
      expect(res.status).toBe(403);
      expect(errorOf(res.body).code).toBe('verdict_own_section');
    }
    const abilities = sectionResponseSchema.parse((await world.reviewer.get(`/api/sections/${sectionId}`)).body).section.abilities;
    expect(abilities.verdict).toBe(false);
  });

  it('VRD1: an editor of another partner and a reviewer give verdicts; a new one replaces the old; the giver withdraws it; each with its audit event', async () => {
    const sectionId = world.sectionIds[2]!;
    await draft(sectionId);
    expect(sectionResponseSchema.parse((await outsideReviewer.get(`/api/sections/${sectionId}`)).body).section.abilities.verdict).toBe(true);
    const stream = await openEventStream(server.url, world.coordinator.cookie, world.proposal.id);
    closers.push(() => stream.close());
    await waitFor(() => stream.events.length > 0, 5000, 'the stream started');

    const first = await put(outsideReviewer, sectionId, { verdict: 'needs_changes', note: 'The budget table is missing.\nSee the call text.' });
    expect(first.status).toBe(200);
    expect(verdictResponseSchema.parse(first.body).verdict).toMatchObject({
      userId: outsideReviewer.user.id,
      name: 'Lotta Reviewer',
      partnerId: world.partnerId,
      verdict: 'needs_changes',
      note: 'The budget table is missing.\nSee the call text.',
      stale: false,
    });
    // Open pages are told (the section is read again).
    await waitFor(() => stream.events.some((e) => e.type === 'section' && e.sectionId === sectionId), 5000, 'the section event');

    expect((await put(world.editor, sectionId, { verdict: 'ready' })).status).toBe(200);
    const replaced = await put(outsideReviewer, sectionId, { verdict: 'ready' });
    expect(replaced.status).toBe(200);
    const both = await sectionVerdicts(world.coordinator, sectionId);
    expect(both.map((v) => [v.name, v.verdict, v.note])).toEqual(
      expect.arrayContaining([
        ['Editor', 'ready', null],
        ['Lotta Reviewer', 'ready', null],
      ]),
    );
    expect(both).toHaveLength(2);
    // The whole proposal carries them too (the board and the section header read it).
    const viaProposal = (await getProposal(world.coordinator, world.proposal.id)).sections.find((s) => s.id === sectionId)!.verdicts;
    expect(viaProposal).toEqual(both);

    expect((await outsideReviewer.delete(`/api/sections/${sectionId}/verdict`)).status).toBe(204);
    expect((await outsideReviewer.delete(`/api/sections/${sectionId}/verdict`)).status).toBe(204);
    expect((await sectionVerdicts(world.coordinator, sectionId)).map((v) => v.name)).toEqual(['Editor']);
    expect(await auditOf(sectionId, 'section.verdict_given')).toEqual([
      { verdict: 'needs_changes', previous: null, note: 'The budget table is missing.\nSee the call text.' },
      { verdict: 'ready', previous: null },
      { verdict: 'ready', previous: 'needs_changes' },
    ]);
    expect(await auditOf(sectionId, 'section.verdict_withdrawn')).toEqual([{ verdict: 'ready' }]);
    // Verdicts never change the status.
    expect(sectionResponseSchema.parse((await world.coordinator.get(`/api/sections/${sectionId}`)).body).section.status).toBe('drafting');
  });

  it('VRD3: a not-started section and a locked one take no verdict (409 verdict_section_closed with the status)', async () => {
    const fresh = world.sectionIds[3]!;
    const notStarted = await put(world.editor, fresh, { verdict: 'ready' });
    expect(notStarted.status).toBe(409);
    expect(errorOf(notStarted.body)).toMatchObject({ code: 'verdict_section_closed', params: { status: 'not_started' } });

    const locked = world.sectionIds[4]!;
    await draft(locked);
    await world.coordinator.patch(`/api/sections/${locked}`, { notApplicable: { justification: 'Covered in section 1' } });
    for (const status of ['ready_for_review', 'in_review', 'approved']) {
      expect((await world.coordinator.patch(`/api/sections/${locked}`, { status })).status).toBe(200);
    }
    const refused = await put(world.editor, locked, { verdict: 'ready' });
    expect(refused.status).toBe(409);
    expect(errorOf(refused.body)).toMatchObject({ code: 'verdict_section_closed', params: { status: 'approved' } });
    // Forbidden beats closed: the owner partner's reviewer is still 403.
    expect((await put(world.reviewer, locked, { verdict: 'ready' })).status).toBe(403);
  });

  it('VRD4: the note is multiline text of at most verdictNoteMaxChars code points (at the limit 200, past it 400); an unknown verdict is 400', async () => {
    const sectionId = world.sectionIds[2]!;
    const atLimit = 'é'.repeat(limits.verdictNoteMaxChars - 1) + '😀';
    const ok = await put(world.editor, sectionId, { verdict: 'ready', note: atLimit });
    expect(ok.status).toBe(200);
    expect(verdictResponseSchema.parse(ok.body).verdict.note).toBe(atLimit);
    expect((await put(world.editor, sectionId, { verdict: 'ready', note: 'x'.repeat(limits.verdictNoteMaxChars + 1) })).status).toBe(400);
    expect((await put(world.editor, sectionId, { verdict: 'approved' })).status).toBe(400);
    expect((await put(world.editor, sectionId, { verdict: 'ready', extra: 1 })).status).toBe(400);
    expect((await put(world.editor, sectionId, { verdict: 'ready', note: 'bad\u0000' })).status).toBe(400);
  });
});

describe('VRD5 verdicts reset when the text changes substantially', () => {
  /** Appends `count` characters to the first paragraph, a few at a time, at a typist's pace. */
  async function typeInto(client: StockClient, count: number): Promise<void> {
    const paragraph = client.text.get(0) as Y.XmlElement;
    const text = paragraph.get(0) as Y.XmlText;
    for (let typed = 0; typed < count; ) {
      const n = Math.min(5, count - typed);
      text.insert(text.length, 'abcde'.slice(0, n));
      typed += n;
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  it('VRD5: at the threshold (max(200, 10 % of the text at the verdict)) the verdict holds; one more character makes it stale, with an audit event and a live event', async () => {
    const sectionId = world.sectionIds[5]!;
    const writer = stockClient(server.url, sectionId, world.coordinator);
    clients.push(writer);
    await waitFor(() => writer.provider.synced, 5000, 'synced');
    typeParagraph(writer, 'x'.repeat(300));
    // The first edit starts drafting (VRD6) and is counted: wait until the counter settles.
    await waitFor(async () => (await editUnits(sectionId)) >= 302, 10_000, 'the first edit counted');
    const status = async () => (await server.database.db.query<{ status: string }>(`select status from sections where id = $1`, [sectionId]))[0]!.status;
    await waitFor(async () => (await status()) === 'drafting', 15_000, 'drafting');
    const base = await editUnits(sectionId);
    expect((await put(world.editor, sectionId, { verdict: 'ready', note: 'Good to go' })).status).toBe(200);
    expect(verdictResetThreshold(300)).toBe(200);

    // Exactly the threshold: still current.
    await typeInto(writer, 200);
    await waitFor(async () => (await editUnits(sectionId)) === base + 200, 10_000, 'the 200 units counted');
    expect((await sectionVerdicts(world.coordinator, sectionId)).map((v) => v.stale)).toEqual([false]);
    expect(await auditOf(sectionId, 'section.verdicts_reset')).toEqual([]);

    // One past it: stale.
    const stream = await openEventStream(server.url, world.coordinator.cookie, world.proposal.id);
    closers.push(() => stream.close());
    await waitFor(() => stream.events.length > 0, 5000, 'the stream started');
    await typeInto(writer, 1);
    await waitFor(async () => (await sectionVerdicts(world.coordinator, sectionId))[0]?.stale === true, 10_000, 'the verdict stale');
    expect(await auditOf(sectionId, 'section.verdicts_reset')).toEqual([{ count: 1, reason: 'text_changed' }]);
    await waitFor(() => stream.events.some((e) => e.type === 'section' && e.sectionId === sectionId), 5000, 'the live event');

    // A new verdict is current again, measured from now: a small fix (5 deleted, 5 typed) keeps it.
    expect((await put(world.editor, sectionId, { verdict: 'ready' })).status).toBe(200);
    const fixBase = await editUnits(sectionId);
    const text = (writer.text.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(10, 5);
    text.insert(10, 'fixed');
    await waitFor(async () => (await editUnits(sectionId)) === fixBase + 10, 10_000, 'the fix counted');
    expect((await sectionVerdicts(world.coordinator, sectionId)).map((v) => [v.verdict, v.stale])).toEqual([['ready', false]]);
  });
});

describe('VRD verdicts after a restore', () => {
  it('VRD8: the section a restore answers with carries its verdicts, as every other section read does', async () => {
    const sectionId = world.sectionIds[6]!;
    await draft(sectionId);
    const snap = await world.coordinator.post(`/api/proposals/${world.proposal.id}/snapshots`, { name: 'Before the verdict' });
    expect(snap.status).toBe(201);
    const snapshotId = snapshotResponseSchema.parse(snap.body).snapshot.id;
    expect((await put(world.editor, sectionId, { verdict: 'needs_changes', note: 'Name the towns.' })).status).toBe(200);
    const restored = await world.coordinator.post(`/api/sections/${sectionId}/restore`, { snapshotId });
    expect(restored.status).toBe(200);
    const { section } = restoreResponseSchema.parse(restored.body);
    expect(section.verdicts.map((v) => [v.verdict, v.note])).toEqual([['needs_changes', 'Name the towns.']]);
  });
});
