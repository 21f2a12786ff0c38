import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, proposalListSchema, proposalResponseSchema, templateListSchema } from '../../shared/schemas/domain';
import type { ErrorBody } from '../../shared/schemas/common';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { bologna, createProposal, seedWorkshop, signUp, type Workshop } from '../helpers/factories';

let server: TestServer;
let w: Workshop;
beforeAll(async () => {
  server = await startTestServer();
  w = await seedWorkshop(server);
});
afterAll(async () => {
  await server?.stop();
});

describe('proposals API', () => {
  it('API2: rejects without session (401)', async () => {
    const anon = new ApiClient(server.url);
    for (const res of [
      await anon.get('/api/proposals'),
      await anon.post('/api/proposals', { title: 'x', leadPartner: bologna }),
      await anon.get(`/api/proposals/${w.proposal.id}`),
      await anon.get(`/api/proposals/${w.proposal.id}/audit`),
      await anon.get('/api/templates'),
    ]) {
      expect(res.status).toBe(401);
      expect((res.body as ErrorBody).error.code).toBe('unauthenticated');
    }
  });

  it('API1: creating from the default template makes the caller coordinator of the new lead partner, with every section in order owned by the lead', async () => {
    const alice = await signUp(server, { name: 'Alice' });
    const p = await createProposal(alice, { title: '  Towns for Tomorrow ', deadline: '2026-09-15', theme: 'renewable-energy' });
    expect(p.title).toBe('Towns for Tomorrow');
    expect(p.templateId).toBe('cerv-network-of-towns');
    expect(p.deadline).toBe('2026-09-15');
    expect(p.theme).toBe('renewable-energy');
    expect(p.partners).toHaveLength(1);
    const lead = p.partners[0]!;
    expect(lead).toMatchObject({ name: bologna.name, town: 'Bologna', country: 'IT', isLead: true });
    expect(p.members).toEqual([{ userId: alice.user.id, name: 'Alice', email: alice.user.email, role: 'coordinator', partnerId: lead.id }]);
    expect(p.sections.map((s) => s.number)).toEqual(['0', '1.1', '1.2', '1.3', '2.1.1', '2.1.2', '2.1.3', '2.1.4', '2.1.5', '2.2.1', '2.2.2', '3.1', '3.2', '3.3', '4.1', '4.2', '5']);
    for (const s of p.sections) {
      expect(s.ownerPartnerId).toBe(lead.id);
      expect(s.status).toBe('not_started');
      expect(s.guidance.length).toBeGreaterThanOrEqual(3);
      // MTR2: an empty section scores 0; every part says why (the old meter gave 25 or 10 for nothing).
      expect(s.completeness.score).toBe(0);
      expect(s.completeness.parts.map((x) => [x.part, x.earned, x.reason.kind])).toEqual([
        ['fill', 0, 'fill_empty'],
        ['checklist', 0, 'no_text'],
        ['requiredItems', 0, 'no_text'],
        ['review', 0, 'no_text'],
        ['threads', 0, 'no_text'],
      ]);
      expect(s.completeness.missing.map((m) => m.item)).toEqual(['fill', 'checklist', ...(s.requiredItems.length === 0 ? ['requiredItems'] : s.requiredItems.map(() => 'requiredItems')), 'review', 'threads']);
    }
    expect(p.callRules).toEqual({ minPartners: 4, minCountries: 4, pageLimit: 40 });
    expect(p.abilities).toEqual({ read: true, manage: true, comment: true, export: true, review: true });
  });

  it('API1: the twinning template gives 6 sections; an unknown template or theme is a 400 naming the field', async () => {
    const p = await createProposal(w.coordinator, { templateId: 'town-twinning-meeting' });
    expect(p.sections).toHaveLength(6);
    const bad = await w.coordinator.post('/api/proposals', { title: 'x', leadPartner: bologna, templateId: 'nope' });
    expect(bad.status).toBe(400);
    expect((bad.body as ErrorBody).error.field).toBe('templateId');
    const badTheme = await w.coordinator.post('/api/proposals', { title: 'x', leadPartner: bologna, theme: 'knitting' });
    expect(badTheme.status).toBe(400);
    expect((badTheme.body as ErrorBody).error.field).toBe('theme');
  });

  it('API2: the list shows only the caller\'s proposals, with their role', async () => {
    const bob = await signUp(server);
    const own = await createProposal(bob, { title: 'Bob only' });
    const bobList = proposalListSchema.parse((await bob.get('/api/proposals')).body).proposals;
    expect(bobList.map((p) => p.id)).toEqual([own.id]);
    expect(bobList[0]?.role).toBe('coordinator');
    const reviewerList = proposalListSchema.parse((await w.reviewer.get('/api/proposals')).body).proposals;
    expect(reviewerList.map((p) => [p.id, p.role])).toEqual([[w.proposal.id, 'reviewer']]);
  });

  it('API2: GET one returns partners, members, sections and abilities from the caller\'s view', async () => {
    const res = await w.editors.lulea.get(`/api/proposals/${w.proposal.id}`);
    expect(res.status).toBe(200);
    const p = proposalResponseSchema.parse(res.body).proposal;
    expect(p.partners.map((x) => x.town)).toEqual(['Bologna', 'Luleå', 'La Coruña', 'Helsinki']);
    expect(p.members).toHaveLength(6);
    expect(p.abilities).toEqual({ read: true, manage: false, comment: true, export: true, review: false });
    // Every section belongs to Bologna, so Luleå's editor can read and comment but not edit.
    for (const s of p.sections) expect(s.abilities).toMatchObject({ edit: false, comment: true, submit: false, assign: false });
    const mine = proposalResponseSchema.parse((await w.editors.bologna.get(`/api/proposals/${w.proposal.id}`)).body).proposal;
    for (const s of mine.sections) expect(s.abilities).toMatchObject({ edit: true, submit: true, review: false, transitions: ['drafting'] });
  });

  it('POL2: a non-member gets 404 for the proposal and its feed, the same as an unknown id', async () => {
    const eve = await signUp(server);
    const hidden = await eve.get(`/api/proposals/${w.proposal.id}`);
    const unknown = await eve.get('/api/proposals/00000000-0000-4000-8000-000000000000');
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect((await eve.get(`/api/proposals/${w.proposal.id}/audit`)).status).toBe(404);
  });

  it('API9: a malformed id is a 400 naming the parameter', async () => {
    const res = await w.coordinator.get('/api/proposals/not-a-uuid');
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).error.field).toBe('id');
  });

  it('API7: the activity feed lists events latest first with actor names, and pages with ?before=', async () => {
    const res = await w.reviewer.get(`/api/proposals/${w.proposal.id}/audit?limit=3`);
    expect(res.status).toBe(200);
    const page = auditPageSchema.parse(res.body);
    expect(page.events).toHaveLength(3);
    expect(page.events[0]?.action).toBe('member.joined');
    expect(page.events[0]?.actorName).toBe('Rita Reviewer');
    const ids = page.events.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(page.nextBefore).toBe(ids[2]);
    const all: string[] = [];
    let before: number | null = null;
    do {
      const next = auditPageSchema.parse((await w.reviewer.get(`/api/proposals/${w.proposal.id}/audit?limit=4${before ? `&before=${before}` : ''}`)).body);
      all.push(...next.events.map((e) => e.action));
      before = next.nextBefore;
    } while (before !== null);
    expect(all.at(-1)).toBe('proposal.created');
    expect(all.filter((a) => a === 'partner.added')).toHaveLength(3);
    expect(all.filter((a) => a === 'member.joined')).toHaveLength(5);
  });

  it('API10: GET /templates lists the available templates for the create form', async () => {
    const res = await w.coordinator.get('/api/templates');
    expect(res.status).toBe(200);
    const { templates } = templateListSchema.parse(res.body);
    expect(templates.map((t) => [t.id, t.sections])).toEqual([
      ['cerv-network-of-towns', 17],
      ['town-twinning-meeting', 6],
    ]);
  });
});
