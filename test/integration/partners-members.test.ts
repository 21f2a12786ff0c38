import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCode } from '../../shared/protocol';
import type { ErrorBody } from '../../shared/schemas/common';
import { auditPageSchema, type AuditEvent } from '../../shared/schemas/domain';
import { templateDetailSchema } from '../../shared/schemas/partners';
import { addPartner, getProposal, joinAs, lulea, seedWorkshop, signUp, type UserClient, type Workshop } from '../helpers/factories';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { fragmentText, stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';

/**
 * CTRY2, CTRY5-CTRY7: partners and members a coordinator can edit and remove. A
 * partner that owns sections is removed by handing them (and its people) to another
 * partner in one transaction, audited, and the old owner's open sockets lose their
 * write access at once. The last coordinator cannot remove or demote themself.
 */
let server: TestServer;
let w: Workshop;
const sockets: StockClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
  w = await seedWorkshop(server);
}, 180_000);
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await server?.stop();
});

const error = (body: unknown) => (body as ErrorBody & { error: { params?: Record<string, unknown> } }).error;

async function audit(client: UserClient, proposalId: string, limit = 20): Promise<AuditEvent[]> {
  return auditPageSchema.parse((await client.get(`/api/proposals/${proposalId}/audit?limit=${limit}`)).body).events;
}

describe('CTRY2: unknown country codes are refused', () => {
  it('CTRY2: 400 invalid_input for XX on create and on update; a real code in lower case is stored upper case', async () => {
    const created = await w.coordinator.post(`/api/proposals/${w.proposal.id}/partners`, { name: 'Nowhere', town: 'Nowhere', country: 'XX' });
    expect(created.status).toBe(400);
    expect(error(created.body).code).toBe('invalid_input');
    expect(error(created.body).field).toBe('country');
    for (const country of ['xx', 'ES-', 'EST', 'Estonia', 'UK']) {
      expect((await w.coordinator.post(`/api/proposals/${w.proposal.id}/partners`, { name: 'Nowhere', town: 'Nowhere', country })).status, country).toBe(400);
    }
    const tartu = await addPartner(w.coordinator, w.proposal.id, { name: 'Tartu linn', town: 'Tartu', country: 'ee' as 'EE' });
    expect(tartu.country).toBe('EE');
    const updated = await w.coordinator.patch(`/api/partners/${tartu.id}`, { country: 'XX' });
    expect(updated.status).toBe(400);
    expect(error(updated.body).code).toBe('invalid_input');
    expect((await getProposal(w.coordinator, w.proposal.id)).partners.find((p) => p.id === tartu.id)?.country).toBe('EE');
    expect((await w.coordinator.patch(`/api/partners/${tartu.id}`, { country: 'xk' })).status).toBe(200);
  });

  it('CTRY2: a partner stored before the check with an unknown code still loads, and can be renamed', async () => {
    const odd = await addPartner(w.coordinator, w.proposal.id, { name: 'Legacy', town: 'Old town', country: 'FI' });
    await server.database.db.query(`update partners set country = 'QQ' where id = $1`, [odd.id]);
    const proposal = await getProposal(w.coordinator, w.proposal.id);
    expect(proposal.partners.find((p) => p.id === odd.id)?.country).toBe('QQ');
    expect((await w.coordinator.patch(`/api/partners/${odd.id}`, { name: 'Legacy renamed' })).status).toBe(200);
  });
});

describe('CTRY5: removing a partner hands over what it owns', () => {
  it('CTRY5: without reassignTo, a partner that owns sections or has members gets 409 with counts, never prose', async () => {
    const kiruna = await addPartner(w.coordinator, w.proposal.id, { ...lulea, name: 'Kiruna kommun', town: 'Kiruna' });
    const [s1, s2] = w.proposal.sections.slice(5, 7);
    for (const s of [s1!, s2!]) expect((await w.coordinator.patch(`/api/sections/${s.id}`, { ownerPartnerId: kiruna.id })).status).toBe(200);
    await joinAs(server, w.coordinator, w.proposal.id, kiruna.id, 'editor', { name: 'Kalle Kiruna' });
    const refused = await w.coordinator.delete(`/api/partners/${kiruna.id}`);
    expect(refused.status).toBe(409);
    expect(error(refused.body).code).toBe('partner_owns_sections');
    expect(error(refused.body).params).toMatchObject({ count: 2, members: 1 });
    // With reassignTo but without moving the member: still 409, nothing moved.
    const members = await w.coordinator.request('DELETE', `/api/partners/${kiruna.id}`, { reassignTo: w.partners.lulea.id });
    expect(members.status).toBe(409);
    expect(error(members.body).code).toBe('partner_has_members');
    expect(error(members.body).params).toMatchObject({ count: 1 });
    const after = await getProposal(w.coordinator, w.proposal.id);
    expect(after.sections.filter((s) => s.ownerPartnerId === kiruna.id)).toHaveLength(2);
  });

  it('CTRY5: bad input: reassignTo itself is 400, another proposal\'s partner 404, a malformed id 400, moving members without reassignTo 400', async () => {
    const partner = await addPartner(w.coordinator, w.proposal.id, { ...lulea, name: 'Piteå kommun', town: 'Piteå' });
    const self = await w.coordinator.request('DELETE', `/api/partners/${partner.id}`, { reassignTo: partner.id });
    expect(self.status).toBe(400);
    expect(error(self.body).code).toBe('invalid_input');
    const other = await signUp(server);
    const foreign = (await other.post('/api/proposals', { title: 'Other', leadPartner: { name: 'Oulu', town: 'Oulu', country: 'FI' } })).body as {
      proposal: { partners: { id: string }[] };
    };
    const elsewhere = await w.coordinator.request('DELETE', `/api/partners/${partner.id}`, { reassignTo: foreign.proposal.partners[0]!.id });
    expect(elsewhere.status).toBe(404);
    expect((await w.coordinator.request('DELETE', `/api/partners/${partner.id}`, { reassignTo: 'nope' })).status).toBe(400);
    expect((await w.coordinator.request('DELETE', `/api/partners/${partner.id}`, { members: 'move' })).status).toBe(400);
    expect((await w.coordinator.request('DELETE', `/api/partners/${partner.id}`, { reassignTo: w.partners.lulea.id, members: 'keep' })).status).toBe(400);
    expect((await w.coordinator.request('DELETE', `/api/partners/${partner.id}`, { reassignTo: partner.id, extra: 1 })).status).toBe(400);
    expect((await getProposal(w.coordinator, w.proposal.id)).partners.some((p) => p.id === partner.id)).toBe(true);
  });

  it('CTRY5: with reassignTo and members "move", sections and members move in one transaction, each audited; the moved editor still writes', async () => {
    const umea = await addPartner(w.coordinator, w.proposal.id, { ...lulea, name: 'Umeå kommun', town: 'Umeå' });
    const sections = w.proposal.sections.slice(8, 10);
    for (const s of sections) expect((await w.coordinator.patch(`/api/sections/${s.id}`, { ownerPartnerId: umea.id })).status).toBe(200);
    const { client: ulla } = await joinAs(server, w.coordinator, w.proposal.id, umea.id, 'editor', { name: 'Ulla Umeå' });
    // Ulla writes in her partner's section.
    const socket = stockClient(server.url, sections[0]!.id, ulla);
    sockets.push(socket);
    const watcher = stockClient(server.url, sections[0]!.id, w.coordinator);
    sockets.push(watcher);
    await waitFor(() => socket.provider.synced && watcher.provider.synced, 10_000, 'both synced');
    typeParagraph(socket, 'Umeå writes this');
    await waitFor(() => fragmentText(watcher.doc).includes('Umeå writes this'), 5000, 'the edit arrived');

    // The partner goes; its sections go to Luleå and Ulla moves along with them.
    const removed = await w.coordinator.request('DELETE', `/api/partners/${umea.id}`, { reassignTo: w.partners.lulea.id, members: 'move' });
    expect(removed.status).toBe(204);
    const after = await getProposal(w.coordinator, w.proposal.id);
    expect(after.partners.some((p) => p.id === umea.id)).toBe(false);
    for (const s of sections) expect(after.sections.find((x) => x.id === s.id)?.ownerPartnerId).toBe(w.partners.lulea.id);
    expect(after.members.find((m) => m.userId === ulla.user.id)?.partnerId).toBe(w.partners.lulea.id);

    const events = await audit(w.coordinator, w.proposal.id);
    const removal = events.find((e) => e.action === 'partner.removed' && e.data.partnerId === umea.id);
    expect(removal?.data).toEqual({ partnerId: umea.id, name: 'Umeå kommun', reassignedSections: 2, movedMembers: 1, to: w.partners.lulea.id, toName: lulea.name });
    const owners = events.filter((e) => e.action === 'section.owner_changed' && e.data.from === umea.id);
    expect(owners.map((e) => e.sectionId).sort()).toEqual(sections.map((s) => s.id).sort());
    for (const e of owners) expect(e.data).toEqual({ from: umea.id, to: w.partners.lulea.id });
    expect(events.some((e) => e.action === 'member.updated' && e.data.userId === ulla.user.id)).toBe(true);

    // Ulla moved with her sections: her socket re-checks its rights and she still writes.
    typeParagraph(socket, 'Umeå still writes, now for Luleå');
    await waitFor(() => fragmentText(watcher.doc).includes('Umeå still writes, now for Luleå'), 10_000, 'the edit after the move arrived');
    expect(socket.closes.filter((c) => c.code === closeCode.editRefused)).toEqual([]);
  });

  it('CTRY5: with members "remove", the old owner\'s editor leaves and their open socket loses write access at once; the new owner writes', async () => {
    const boden = await addPartner(w.coordinator, w.proposal.id, { ...lulea, name: 'Bodens kommun', town: 'Boden' });
    const section = w.proposal.sections[10]!;
    expect((await w.coordinator.patch(`/api/sections/${section.id}`, { ownerPartnerId: boden.id })).status).toBe(200);
    const { client: bo } = await joinAs(server, w.coordinator, w.proposal.id, boden.id, 'editor', { name: 'Bo Boden' });
    const socket = stockClient(server.url, section.id, bo);
    sockets.push(socket);
    const watcher = stockClient(server.url, section.id, w.coordinator);
    sockets.push(watcher);
    // Bruno (Bologna's editor) reads the section, but may not write it yet.
    const bruno = stockClient(server.url, section.id, w.editors.bologna);
    sockets.push(bruno);
    await waitFor(() => socket.provider.synced && watcher.provider.synced && bruno.provider.synced, 10_000, 'all synced');
    typeParagraph(socket, 'Boden writes this');
    await waitFor(() => fragmentText(watcher.doc).includes('Boden writes this'), 5000, 'the edit arrived');

    const removed = await w.coordinator.request('DELETE', `/api/partners/${boden.id}`, { reassignTo: w.partners.bologna.id, members: 'remove' });
    expect(removed.status).toBe(204);
    // Bo's socket is closed (he is no member any more) and his client gives up or is refused.
    await waitFor(() => socket.closes.length > 0, 10_000, 'Bo\'s socket re-checked');
    expect((await bo.get(`/api/proposals/${w.proposal.id}`)).status).toBe(404);
    const events = await audit(w.coordinator, w.proposal.id, 10);
    expect(events.find((e) => e.action === 'member.removed' && e.data.userId === bo.user.id)?.data).toEqual({ userId: bo.user.id, name: bo.user.name, role: 'editor', partnerId: boden.id });
    expect(events.find((e) => e.action === 'partner.removed')?.data).toMatchObject({ partnerId: boden.id, reassignedSections: 1, movedMembers: 1, to: w.partners.bologna.id });
    // Bruno's socket was re-checked too (now his partner owns it): he writes.
    // (An edit typed before his socket re-checked is refused and resynced away: type until one lands.)
    await waitFor(
      () => {
        if (fragmentText(watcher.doc).includes('Bologna takes over')) return true;
        if (bruno.provider.synced) typeParagraph(bruno, 'Bologna takes over');
        return false;
      },
      10_000,
      'Bruno\'s edit arrived',
      500,
    );
    // Whatever Bo's client still types never lands.
    typeParagraph(socket, 'Boden writes more');
    typeParagraph(watcher, 'marker');
    await waitFor(() => fragmentText(watcher.doc).includes('marker'), 5000, 'marker');
    expect(fragmentText(watcher.doc)).not.toContain('Boden writes more');
  });

  it('CTRY5: members "remove" never removes the last coordinator', async () => {
    const solo = await signUp(server, { name: 'Solo Coordinator' });
    const created = (await solo.post('/api/proposals', { title: 'Solo', leadPartner: { name: 'Tampere', town: 'Tampere', country: 'FI' } })).body as {
      proposal: { id: string; partners: { id: string }[] };
    };
    const pid = created.proposal.id;
    const other = await addPartner(solo, pid, { name: 'Pärnu linn', town: 'Pärnu', country: 'EE' });
    expect((await solo.patch(`/api/members/${pid}/${solo.user.id}`, { partnerId: other.id })).status).toBe(200);
    const res = await solo.request('DELETE', `/api/partners/${other.id}`, { reassignTo: created.proposal.partners[0]!.id, members: 'remove' });
    expect(res.status).toBe(409);
    expect(error(res.body).code).toBe('last_coordinator');
    expect((await solo.request('DELETE', `/api/partners/${other.id}`, { reassignTo: created.proposal.partners[0]!.id, members: 'move' })).status).toBe(204);
    expect((await getProposal(solo, pid)).members.map((m) => m.partnerId)).toEqual([created.proposal.partners[0]!.id]);
  });

  it('CTRY5: the lead partner is never removed, even with reassignTo', async () => {
    const res = await w.coordinator.request('DELETE', `/api/partners/${w.partners.bologna.id}`, { reassignTo: w.partners.lulea.id, members: 'move' });
    expect(res.status).toBe(409);
    expect(error(res.body).code).toBe('lead_partner');
  });

  it('POL3: editors and reviewers get 403 on partner removal with reassignTo; a non-member 404', async () => {
    const target = await addPartner(w.coordinator, w.proposal.id, { ...lulea, name: 'Kalix kommun', town: 'Kalix' });
    for (const client of [w.editors.bologna, w.editors.lulea, w.reviewer]) {
      const res = await client.request('DELETE', `/api/partners/${target.id}`, { reassignTo: w.partners.lulea.id });
      expect(res.status).toBe(403);
      expect(error(res.body).code).toBe('forbidden');
    }
    const eve = await signUp(server);
    expect((await eve.request('DELETE', `/api/partners/${target.id}`, { reassignTo: w.partners.lulea.id })).status).toBe(404);
    expect((await getProposal(w.coordinator, w.proposal.id)).partners.some((p) => p.id === target.id)).toBe(true);
  });
});

describe('CTRY6: the last coordinator', () => {
  it('CTRY6: the only coordinator cannot demote or remove themself (409 last_coordinator); with a second one they can', async () => {
    const me = w.coordinator.user.id;
    const demote = await w.coordinator.patch(`/api/members/${w.proposal.id}/${me}`, { role: 'editor' });
    expect(demote.status).toBe(409);
    expect(error(demote.body).code).toBe('last_coordinator');
    expect(error(demote.body).params).toMatchObject({ change: 'demoted' });
    const remove = await w.coordinator.delete(`/api/members/${w.proposal.id}/${me}`);
    expect(remove.status).toBe(409);
    expect(error(remove.body).code).toBe('last_coordinator');
    expect(error(remove.body).params).toMatchObject({ change: 'removed' });
    // Moving to another partner keeps the role: allowed.
    expect((await w.coordinator.patch(`/api/members/${w.proposal.id}/${me}`, { partnerId: w.partners.lulea.id })).status).toBe(200);
    expect((await w.coordinator.patch(`/api/members/${w.proposal.id}/${me}`, { partnerId: w.partners.bologna.id })).status).toBe(200);

    const second = await joinAs(server, w.coordinator, w.proposal.id, w.partners.bologna.id, 'coordinator', { name: 'Second Coordinator' });
    // Now the second may step down, but then the first is the last again.
    expect((await second.client.patch(`/api/members/${w.proposal.id}/${second.user.id}`, { role: 'reviewer' })).status).toBe(200);
    expect((await w.coordinator.patch(`/api/members/${w.proposal.id}/${me}`, { role: 'editor' })).status).toBe(409);
    const roles = (await getProposal(w.coordinator, w.proposal.id)).members.filter((m) => m.role === 'coordinator').map((m) => m.userId);
    expect(roles).toEqual([me]);
  });

  it('CTRY7: a member\'s role and partner change and removal are audited; non-coordinators get 403', async () => {
    const { client: pia, user } = await joinAs(server, w.coordinator, w.proposal.id, w.partners.lulea.id, 'editor', { name: 'Pia Piteå' });
    for (const client of [w.editors.lulea, w.reviewer, pia]) {
      expect((await client.patch(`/api/members/${w.proposal.id}/${user.id}`, { role: 'coordinator' })).status).toBe(403);
      expect((await client.delete(`/api/members/${w.proposal.id}/${user.id}`)).status).toBe(403);
    }
    expect((await w.coordinator.patch(`/api/members/${w.proposal.id}/${user.id}`, { role: 'reviewer', partnerId: w.partners.helsinki.id })).status).toBe(200);
    const [changed] = await audit(w.coordinator, w.proposal.id, 1);
    expect(changed).toMatchObject({
      action: 'member.updated',
      data: { userId: user.id, role: { from: 'editor', to: 'reviewer' }, partnerId: { from: w.partners.lulea.id, to: w.partners.helsinki.id } },
    });
    expect((await w.coordinator.delete(`/api/members/${w.proposal.id}/${user.id}`)).status).toBe(204);
    const [removed] = await audit(w.coordinator, w.proposal.id, 1);
    // The feed names whoever left, after they are gone (TPL5).
    expect(removed).toMatchObject({ action: 'member.removed', data: { userId: user.id, name: user.name, role: 'reviewer' } });
    expect((await pia.get(`/api/proposals/${w.proposal.id}`)).status).toBe(404);
  });
});

describe('CTRY9: what a template creates', () => {
  it('CTRY9: GET /api/templates/:id gives sections (number, criterion, budget), themes and call rules as ids and numbers; 401, 404 and 400 otherwise', async () => {
    const anon = new ApiClient(server.url);
    expect((await anon.get('/api/templates/town-twinning-meeting')).status).toBe(401);
    const res = await w.coordinator.get('/api/templates/town-twinning-meeting');
    expect(res.status).toBe(200);
    const { template } = templateDetailSchema.parse(res.body);
    expect(template.sections.map((s) => s.number)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(template.sections[2]).toEqual({ key: 'programme', number: '3', criterion: 'quality_design', minChars: 1500, maxChars: 5000, requiredItems: ['agenda'] });
    expect(template.rules).toEqual({ minPartners: 2, minCountries: 2, pageLimit: 10 });
    expect(template.themes).toContain('civic-participation');
    expect(JSON.stringify(res.body)).not.toMatch(/[A-Z][a-z]+ [a-z]+/);
    const cerv = templateDetailSchema.parse((await w.coordinator.get('/api/templates/cerv-network-of-towns')).body).template;
    expect(cerv.sections.length).toBeGreaterThan(15);
    expect((await w.coordinator.get('/api/templates/no-such-call')).status).toBe(404);
    expect((await w.coordinator.get('/api/templates/NO%20SUCH')).status).toBe(400);
  });
});
