import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, SectionStatus } from '../../shared/schemas/common';
import { auditPageSchema, sectionResponseSchema, type Section } from '../../shared/schemas/domain';
import type { DomainEvent } from '../../server/events';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedWorkshop, signUp, type Workshop, workshopSection } from '../helpers/factories';

let server: TestServer;
let w: Workshop;
beforeAll(async () => {
  server = await startTestServer();
  w = await seedWorkshop(server);
});
afterAll(async () => {
  await server?.stop();
});

const sectionAt = (i: number): Section => workshopSection(w, i);
const patch = (client: ApiClient, id: string, body: unknown) => client.patch(`/api/sections/${id}`, body);
const parse = (body: unknown) => sectionResponseSchema.parse(body).section;
const code = (body: unknown) => (body as ErrorBody).error.code;
const latest = async (n = 1) =>
  auditPageSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/audit?limit=${n}`)).body).events;

/** Assigns the section to Luleå so Luleå's editor owns it. */
async function luleaSection(i: number): Promise<Section> {
  const res = await patch(w.coordinator, sectionAt(i).id, { ownerPartnerId: w.partners.lulea.id });
  expect(res.status).toBe(200);
  return parse(res.body);
}

describe('sections API', () => {
  it('API6: rejects without session (401)', async () => {
    const anon = new ApiClient(server.url);
    expect((await anon.get(`/api/sections/${sectionAt(0).id}`)).status).toBe(401);
    expect((await patch(anon, sectionAt(0).id, { status: 'drafting' })).status).toBe(401);
  });

  it('API6: the coordinator assigns owner and due date; each is audited (API7) and section.changed is published', async () => {
    const events: DomainEvent[] = [];
    const off = server.ctx.events.subscribe((e) => events.push(e));
    const s = sectionAt(1);
    const res = await patch(w.coordinator, s.id, { ownerPartnerId: w.partners.helsinki.id, dueDate: '2026-03-01' });
    off();
    expect(res.status).toBe(200);
    expect(parse(res.body)).toMatchObject({ id: s.id, ownerPartnerId: w.partners.helsinki.id, dueDate: '2026-03-01' });
    expect(events).toContainEqual({ type: 'section.changed', proposalId: w.proposal.id, sectionId: s.id });
    const audit = await latest(2);
    expect(audit.map((e) => e.action).sort()).toEqual(['section.due_date_changed', 'section.owner_changed']);
    expect(audit.find((e) => e.action === 'section.owner_changed')).toMatchObject({
      sectionId: s.id,
      actorId: w.coordinator.user.id,
      data: { from: w.partners.bologna.id, to: w.partners.helsinki.id },
    });
    // Helsinki's editor can now edit it; Bologna's cannot.
    const helsinkiView = parse((await w.editors.helsinki.get(`/api/sections/${s.id}`)).body);
    expect(helsinkiView.abilities.edit).toBe(true);
    expect(parse((await w.editors.bologna.get(`/api/sections/${s.id}`)).body).abilities.edit).toBe(false);
    expect((await patch(w.coordinator, s.id, { dueDate: null })).status).toBe(200);
  });

  it('API6: the full workflow: owner drafts and submits, coordinator reviews, requests changes, approves, finalises, reopens', async () => {
    const s = await luleaSection(2);
    const editor = w.editors.lulea;
    const step = async (client: ApiClient, body: Record<string, unknown>, expected: SectionStatus) => {
      const res = await patch(client, s.id, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(parse(res.body).status).toBe(expected);
      return parse(res.body);
    };
    await step(editor, { status: 'drafting' }, 'drafting');
    await step(editor, { status: 'ready_for_review' }, 'ready_for_review');
    await step(w.coordinator, { status: 'in_review' }, 'in_review');
    const changes = await step(w.coordinator, { status: 'changes_requested', reason: 'Add the Luleå youth survey' }, 'changes_requested');
    expect(changes.changesRequestedReason).toBe('Add the Luleå youth survey');
    await step(editor, { status: 'drafting' }, 'drafting');
    await step(editor, { status: 'ready_for_review' }, 'ready_for_review');
    await step(w.coordinator, { status: 'in_review' }, 'in_review');
    const approved = await step(w.coordinator, { status: 'approved', justification: 'Approved short for the test (VRD9)' }, 'approved');
    expect(approved.abilities.edit).toBe(false); // locked for everyone, coordinator included
    // MTR2: approval of an empty section earns nothing: every part waits for text.
    expect(approved.completeness.score).toBe(0);
    expect(approved.completeness.missing.map((m) => m.item)).toEqual(['fill', 'checklist', ...(approved.requiredItems.length === 0 ? ['requiredItems'] : approved.requiredItems.map(() => 'requiredItems')), 'review', 'threads']);
    expect(parse((await editor.get(`/api/sections/${s.id}`)).body).abilities).toMatchObject({ edit: false, transitions: [] });
    await step(w.coordinator, { status: 'final' }, 'final');
    await step(w.coordinator, { status: 'drafting' }, 'drafting');
    const actions = (await latest(11)).map((e) => e.action);
    expect(actions[0]).toBe('section.status_changed');
    expect(actions).toContain('section.approved');
  });

  it('API6: a move the workflow does not allow gets 409 and changes nothing', async () => {
    const s = sectionAt(4);
    const res = await patch(w.coordinator, s.id, { status: 'approved' });
    expect(res.status).toBe(409);
    expect(code(res.body)).toBe('status_transition');
    expect(parse((await w.coordinator.get(`/api/sections/${s.id}`)).body).status).toBe('not_started');
  });

  it('POL3: forbidden beats invalid: an editor approving a draft gets 403, not 409', async () => {
    const s = await luleaSection(5);
    expect((await patch(w.editors.lulea, s.id, { status: 'drafting' })).status).toBe(200);
    const res = await patch(w.editors.lulea, s.id, { status: 'approved' }); // invalid (drafting → approved) and forbidden
    expect(res.status).toBe(403);
    expect(code(res.body)).toBe('forbidden');
    expect((await patch(w.editors.lulea, s.id, { status: 'in_review' })).status).toBe(403);
  });

  it('POL5: only the owner partner\'s editors and the coordinator move a section; reviewers and other editors get 403', async () => {
    const s = await luleaSection(6);
    for (const client of [w.editors.bologna, w.editors.helsinki, w.reviewer]) {
      expect((await patch(client, s.id, { status: 'drafting' })).status).toBe(403);
      expect((await patch(client, s.id, { checklist: [0] })).status).toBe(403);
      expect((await patch(client, s.id, { blocked: { reason: 'no' } })).status).toBe(403);
    }
    expect((await patch(w.editors.lulea, s.id, { ownerPartnerId: w.partners.lulea.id })).status).toBe(403);
    expect((await patch(w.editors.lulea, s.id, { dueDate: '2026-01-01' })).status).toBe(403);
    expect((await patch(w.coordinator, s.id, { status: 'drafting' })).status).toBe(200);
  });

  it('API6: the owner ticks guidance prompts; the meter and the audit follow', async () => {
    const s = await luleaSection(7);
    const before = s.completeness.score;
    const res = await patch(w.editors.lulea, s.id, { checklist: [2, 0, 0] });
    expect(res.status).toBe(200);
    const after = parse(res.body);
    expect(after.checklist).toEqual([0, 2]);
    // The section has no text yet: ticks count once it has (MTR2, MTR5), and the meter says so.
    expect(after.completeness.score).toBe(before);
    expect(after.completeness.parts.find((x) => x.part === 'checklist')?.reason.kind).toBe('no_text');
    expect((await latest())[0]).toMatchObject({ action: 'section.checklist_changed', data: { from: [], to: [0, 2] } });
    const tooFar = await patch(w.editors.lulea, s.id, { checklist: [s.guidance.length] });
    expect(tooFar.status).toBe(400);
    expect((tooFar.body as ErrorBody).error.field).toBe('checklist');
  });

  it('API6: blocked and not applicable are side flags with a reason; not applicable counts as complete', async () => {
    const s = await luleaSection(8);
    const blocked = await patch(w.editors.lulea, s.id, { blocked: { reason: 'Waiting for the budget from Luleå' } });
    expect(blocked.status).toBe(200);
    expect(parse(blocked.body)).toMatchObject({ blockedReason: 'Waiting for the budget from Luleå', status: 'not_started' });
    expect(parse(blocked.body).completeness.missing.map((m) => m.item)).toContain('blocked');
    const na = parse((await patch(w.coordinator, s.id, { blocked: null, notApplicable: { justification: 'No ethics issues' } })).body);
    expect(na).toMatchObject({ blockedReason: null, notApplicableReason: 'No ethics issues' });
    expect(na.completeness).toMatchObject({ score: 100, missing: [] });
    expect(na.completeness.parts.every((x) => x.earned === x.max && x.reason.kind === 'not_applicable')).toBe(true);
    expect((await latest(2)).map((e) => e.action).sort()).toEqual(['section.not_applicable', 'section.unblocked']);
  });

  it('API6: requesting changes needs a reason; a reason needs that status', async () => {
    const s = await luleaSection(9);
    for (const status of ['drafting', 'ready_for_review', 'in_review'] as const) {
      expect((await patch(status === 'in_review' ? w.coordinator : w.editors.lulea, s.id, { status })).status).toBe(200);
    }
    const noReason = await patch(w.coordinator, s.id, { status: 'changes_requested' });
    expect(noReason.status).toBe(400);
    expect((noReason.body as ErrorBody).error.field).toBe('reason');
    expect((await patch(w.coordinator, s.id, { reason: 'why' })).status).toBe(400);
  });

  it('POL2: a non-member gets 404 for a section, like an unknown id; a foreign partner as owner is 404', async () => {
    const eve = await signUp(server);
    const s = sectionAt(10);
    const hidden = await eve.get(`/api/sections/${s.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual((await eve.get('/api/sections/00000000-0000-4000-8000-000000000000')).body);
    expect((await patch(eve, s.id, { status: 'drafting' })).status).toBe(404);
    expect((await patch(w.coordinator, s.id, { ownerPartnerId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });

  it('API6: the owner confirms required items; the meter counts them; unknown keys are 400 and a reviewer gets 403', async () => {
    const index = w.proposal.sections.findIndex((x) => x.requiredItems.some((r) => r.key === 'timetable'));
    await luleaSection(index);
    // Whatever earlier tests did to it, the section is applicable and unblocked here.
    const section = parse((await patch(w.coordinator, sectionAt(index).id, { notApplicable: null, blocked: null })).body);
    const missingRisk = (x: Section) => x.completeness.missing.some((m) => m.kind === 'required_item');
    expect(section.itemsPresent).toEqual([]);
    expect(missingRisk(section)).toBe(true);

    expect((await patch(w.reviewer, section.id, { itemsPresent: ['timetable'] })).status).toBe(403);
    const unknown = await patch(w.editors.lulea, section.id, { itemsPresent: ['no-such-item'] });
    expect(unknown.status).toBe(400);
    expect((unknown.body as ErrorBody).error.field).toBe('itemsPresent');

    const confirmed = parse((await patch(w.editors.lulea, section.id, { itemsPresent: ['timetable'] })).body);
    expect(confirmed.itemsPresent).toEqual(['timetable']);
    expect(missingRisk(confirmed)).toBe(false);
    // The section has no text yet: the item counts once it has (MTR2, MTR5); the meter says so.
    expect(confirmed.completeness.parts.find((x) => x.part === 'requiredItems')?.reason.kind).toBe('no_text');
    expect((await latest())[0]?.action).toBe('section.items_changed');
  });

  it('API7: a PATCH that changes nothing writes no audit event', async () => {
    const s = sectionAt(11);
    const before = (await latest())[0]?.id;
    expect((await patch(w.coordinator, s.id, { ownerPartnerId: s.ownerPartnerId, status: s.status })).status).toBe(200);
    expect((await latest())[0]?.id).toBe(before);
  });
});
