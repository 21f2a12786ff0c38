import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closeCode } from '../../shared/protocol';
import { sectionResponseSchema } from '../../shared/schemas/domain';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import type { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { storedText } from '../helpers/stored';
import { fragmentText, stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';

/**
 * VRD6-VRD9: the workflow users expect. Sections start not_started and owned by
 * the lead (Bologna); the world's editor is Luleå's.
 */
let server: TestServer;
let world: CollabWorld;
const clients: StockClient[] = [];
const track = (c: StockClient) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

const errorOf = (body: unknown) => (body as { error: { code: string; params?: Record<string, unknown> } }).error;

async function sectionOf(client: ApiClient, sectionId: string) {
  const res = await client.get(`/api/sections/${sectionId}`);
  expect(res.status).toBe(200);
  return sectionResponseSchema.parse(res.body).section;
}

const editUnits = async (sectionId: string) =>
  Number((await server.database.db.query<{ u: number }>(`select edit_units as u from sections where id = $1`, [sectionId]))[0]!.u);

async function autoDrafts(sectionId: string): Promise<unknown[]> {
  const rows = await server.database.db.query<{ data: Record<string, unknown> }>(
    `select data from audit_events where section_id = $1 and action = 'section.status_changed' order by id`,
    [sectionId],
  );
  return rows.map((r) => r.data);
}

async function moveTo(sectionId: string, ...statuses: string[]): Promise<void> {
  for (const status of statuses) {
    const res = await world.coordinator.patch(`/api/sections/${sectionId}`, status === 'changes_requested' ? { status, reason: 'More detail' } : { status });
    expect(res.status, `to ${status}`).toBe(200);
  }
}

describe('VRD6 not_started → drafting by itself', () => {
  it('VRD6: connecting and an edit that leaves no text do not start a section; the first persisted edit with text does, once, with an automatic audit event', async () => {
    const sectionId = world.sectionIds[0]!;
    const a = track(stockClient(server.url, sectionId, world.coordinator));
    await waitFor(() => a.provider.synced, 5000, 'synced');
    // An empty paragraph: persisted and counted, but no text.
    a.text.insert(0, [new Y.XmlElement('paragraph')]);
    await waitFor(async () => (await editUnits(sectionId)) > 0, 10_000, 'the empty paragraph counted');
    expect((await sectionOf(world.coordinator, sectionId)).status).toBe('not_started');
    expect(await autoDrafts(sectionId)).toEqual([]);

    typeParagraph(a, 'Bologna and Luleå');
    await waitFor(async () => (await sectionOf(world.coordinator, sectionId)).status === 'drafting', 10_000, 'drafting');
    const before = await editUnits(sectionId);
    typeParagraph(a, 'more');
    await waitFor(async () => (await editUnits(sectionId)) > before, 10_000, 'the later edit counted');
    expect(await autoDrafts(sectionId)).toEqual([{ from: 'not_started', to: 'drafting', auto: true }]);
  });

  it('VRD6: a writer who types one line and leaves at once still starts the section (the room has unloaded when the edit is counted)', async () => {
    const sectionId = world.sectionIds[9]!;
    const a = stockClient(server.url, sectionId, world.coordinator);
    await waitFor(() => a.provider.synced, 5000, 'synced');
    typeParagraph(a, 'Le città della rete');
    await waitFor(async () => (await storedText(server.database.db, sectionId)).includes('Le città della rete'), 10_000, 'stored');
    a.destroy();
    await waitFor(async () => (await sectionOf(world.coordinator, sectionId)).status === 'drafting', 10_000, 'drafting after the writer left');
    expect(await autoDrafts(sectionId)).toEqual([{ from: 'not_started', to: 'drafting', auto: true }]);
  });

  it('VRD6: five clients typing at once move the section once', async () => {
    const sectionId = world.sectionIds[1]!;
    const typists = [0, 1, 2, 3, 4].map(() => track(stockClient(server.url, sectionId, world.coordinator)));
    await waitFor(() => typists.every((t) => t.provider.synced), 5000, 'all synced');
    for (let round = 0; round < 5; round++) {
      for (const [i, t] of typists.entries()) typeParagraph(t, `typist ${i} round ${round}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(async () => (await sectionOf(world.coordinator, sectionId)).status === 'drafting', 10_000, 'drafting');
    // Every update counted (25 paragraphs), so every flush has run.
    await waitFor(async () => (await storedText(server.database.db, sectionId)).split('<paragraph>').length === 26, 10_000, 'all stored');
    const stored = await storedText(server.database.db, sectionId);
    const units = [...stored.matchAll(/<paragraph>([^<]*)<\/paragraph>/g)].reduce((n, m) => n + m[1]!.length + 2, 0);
    await waitFor(async () => (await editUnits(sectionId)) === units, 10_000, 'every edit counted');
    expect(await autoDrafts(sectionId)).toEqual([{ from: 'not_started', to: 'drafting', auto: true }]);
  });
});

describe('VRD7 in review, the owners wait', () => {
  it("VRD7: in_review downgrades the owner's open socket at once (4001, then read-only: an edit gets 4403), a REST checklist change is 403, the coordinator still writes; requesting changes gives it back", async () => {
    const sectionId = world.sectionIds[2]!;
    expect((await world.coordinator.patch(`/api/sections/${sectionId}`, { ownerPartnerId: world.partnerId })).status).toBe(200);
    const owner = track(stockClient(server.url, sectionId, world.editor));
    const coordinator = track(stockClient(server.url, sectionId, world.coordinator));
    await waitFor(() => owner.provider.synced && coordinator.provider.synced, 5000, 'synced');
    typeParagraph(owner, 'written by the owner');
    await waitFor(() => fragmentText(coordinator.doc).includes('written by the owner'), 5000, 'seen');
    await waitFor(async () => (await sectionOf(world.coordinator, sectionId)).status === 'drafting', 10_000, 'drafting');
    const submit = await world.editor.patch(`/api/sections/${sectionId}`, { status: 'ready_for_review' });
    expect(submit.status).toBe(200);
    expect((await world.editor.patch(`/api/sections/${sectionId}`, { checklist: [0] })).status).toBe(200);

    await moveTo(sectionId, 'in_review');
    await waitFor(() => owner.closes.some((c) => c.code === closeCode.rightsChanged), 5000, '4001 on review');
    await waitFor(() => owner.provider.synced, 5000, 'reconnected read-only');
    const seen = await sectionOf(world.editor, sectionId);
    expect(seen.abilities.edit).toBe(false);
    const refused = await world.editor.patch(`/api/sections/${sectionId}`, { checklist: [0, 1] });
    expect(refused.status).toBe(403);
    typeParagraph(owner, 'typed while in review');
    await waitFor(() => owner.closes.some((c) => c.code === closeCode.editRefused), 5000, '4403 for the edit');

    // The coordinator still writes.
    typeParagraph(coordinator, 'the coordinator polishes');
    await waitFor(async () => (await storedText(server.database.db, sectionId)).includes('the coordinator polishes'), 5000, 'stored');
    expect(await storedText(server.database.db, sectionId)).not.toContain('typed while in review');

    // Changes requested: the owner writes again.
    await moveTo(sectionId, 'changes_requested');
    expect((await sectionOf(world.editor, sectionId)).abilities.edit).toBe(true);
    const again = track(stockClient(server.url, sectionId, world.editor));
    await waitFor(() => again.provider.synced, 5000, 'synced again');
    typeParagraph(again, 'owner back at work');
    await waitFor(async () => (await storedText(server.database.db, sectionId)).includes('owner back at work'), 5000, 'stored again');
  });
});

describe('VRD9 approval needs a justification when the text is short or items are open', () => {
  it('VRD9: approving below minChars with open required items is 409 approval_needs_justification with the reasons; with a justification it is approved and the audit event keeps it', async () => {
    const sectionId = world.sectionIds[3]!;
    const section = await sectionOf(world.coordinator, sectionId);
    await moveTo(sectionId, 'drafting', 'ready_for_review', 'in_review');
    const bare = await world.coordinator.patch(`/api/sections/${sectionId}`, { status: 'approved' });
    expect(bare.status).toBe(409);
    const error = errorOf(bare.body);
    expect(error.code).toBe('approval_needs_justification');
    const expectedReasons = section.requiredItems.length > 0 ? ['under_min', 'required_items'] : ['under_min'];
    expect(error.params).toEqual({ reasons: expectedReasons, chars: 0, minChars: section.minChars, missingItems: section.requiredItems.map((r) => r.key) });
    expect((await sectionOf(world.coordinator, sectionId)).status).toBe('in_review');

    const tooLong = await world.coordinator.patch(`/api/sections/${sectionId}`, { status: 'approved', justification: 'x'.repeat(2001) });
    expect(tooLong.status).toBe(400);
    const notApproving = await world.coordinator.patch(`/api/sections/${sectionId}`, { status: 'changes_requested', reason: 'r', justification: 'why' });
    expect(notApproving.status).toBe(400);

    const justification = 'The partner confirmed by mail;\nthe text follows in the annex.';
    const ok = await world.coordinator.patch(`/api/sections/${sectionId}`, { status: 'approved', justification });
    expect(ok.status).toBe(200);
    const [audit] = await server.database.db.query<{ data: Record<string, unknown> }>(
      `select data from audit_events where section_id = $1 and action = 'section.approved'`,
      [sectionId],
    );
    expect(audit?.data).toMatchObject({ from: 'in_review', to: 'approved', justification });
  });

  it('VRD9: a section with enough text and every item present is approved without one', async () => {
    const sectionId = world.sectionIds[4]!;
    const section = await sectionOf(world.coordinator, sectionId);
    const writer = track(stockClient(server.url, sectionId, world.coordinator));
    await waitFor(() => writer.provider.synced, 5000, 'synced');
    typeParagraph(writer, 'a'.repeat(section.minChars));
    await waitFor(async () => (await storedText(server.database.db, sectionId)).length > section.minChars, 5000, 'stored');
    if (section.requiredItems.length > 0) {
      expect((await world.coordinator.patch(`/api/sections/${sectionId}`, { itemsPresent: section.requiredItems.map((r) => r.key) })).status).toBe(200);
    }
    await waitFor(async () => (await sectionOf(world.coordinator, sectionId)).status === 'drafting', 10_000, 'drafting');
    await moveTo(sectionId, 'ready_for_review', 'in_review', 'approved');
  });
});
