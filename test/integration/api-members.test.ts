import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../shared/schemas/common';
import { auditPageSchema, memberResponseSchema } from '../../shared/schemas/domain';
import type { DomainEvent } from '../../server/events';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createProposal, getProposal, joinAs, seedWorkshop, signUp, type Workshop } from '../helpers/factories';

let server: TestServer;
let w: Workshop;
beforeAll(async () => {
  server = await startTestServer();
  w = await seedWorkshop(server);
});
afterAll(async () => {
  await server?.stop();
});

const memberPath = (userId: string) => `/api/members/${w.proposal.id}/${userId}`;

describe('members API', () => {
  it('API5: rejects without session (401)', async () => {
    const anon = new ApiClient(server.url);
    expect((await anon.patch(memberPath(w.reviewer.user.id), { role: 'editor' })).status).toBe(401);
    expect((await anon.delete(memberPath(w.reviewer.user.id))).status).toBe(401);
  });

  it('API5: a coordinator changes a role and partner; the audit and a member.changed event follow (API7)', async () => {
    const { client } = await joinAs(server, w.coordinator, w.proposal.id, w.partners.lulea.id, 'reviewer');
    const events: DomainEvent[] = [];
    const off = server.ctx.events.subscribe((e) => events.push(e));
    const res = await w.coordinator.patch(memberPath(client.user.id), { role: 'editor', partnerId: w.partners.laCoruna.id });
    off();
    expect(res.status).toBe(200);
    expect(memberResponseSchema.parse(res.body).member).toMatchObject({ userId: client.user.id, role: 'editor', partnerId: w.partners.laCoruna.id });
    expect(events).toContainEqual({ type: 'member.changed', proposalId: w.proposal.id, userId: client.user.id });
    const [event] = auditPageSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/audit?limit=1`)).body).events;
    expect(event).toMatchObject({
      action: 'member.updated',
      actorId: w.coordinator.user.id,
      data: { userId: client.user.id, role: { from: 'reviewer', to: 'editor' }, partnerId: { from: w.partners.lulea.id, to: w.partners.laCoruna.id } },
    });
    // The new rights show at once.
    const p = await getProposal(client, w.proposal.id);
    expect(p.members.find((m) => m.userId === client.user.id)?.role).toBe('editor');
  });

  it('API5: a coordinator removes a member, who then gets 404 for the proposal', async () => {
    const { client } = await joinAs(server, w.coordinator, w.proposal.id, w.partners.helsinki.id, 'editor');
    expect((await client.get(`/api/proposals/${w.proposal.id}`)).status).toBe(200);
    expect((await w.coordinator.delete(memberPath(client.user.id))).status).toBe(204);
    expect((await client.get(`/api/proposals/${w.proposal.id}`)).status).toBe(404);
    expect((await w.coordinator.delete(memberPath(client.user.id))).status).toBe(404);
  });

  it('API5: the last coordinator can be neither demoted nor removed (409); with a second one, both work', async () => {
    const demote = await w.coordinator.patch(memberPath(w.coordinator.user.id), { role: 'editor' });
    expect(demote.status).toBe(409);
    expect((demote.body as ErrorBody).error.code).toBe('last_coordinator');
    expect((await w.coordinator.delete(memberPath(w.coordinator.user.id))).status).toBe(409);
    // Another proposal: a second coordinator makes stepping down possible.
    const boss = await signUp(server);
    const proposal = await createProposal(boss, { title: 'Hand-over', leadPartner: { name: 'Gemeente Utrecht', town: 'Utrecht', country: 'NL' } });
    const second = await joinAs(server, boss, proposal.id, proposal.partners[0]!.id, 'coordinator');
    expect((await boss.patch(`/api/members/${proposal.id}/${boss.user.id}`, { role: 'editor' })).status).toBe(200);
    expect((await second.client.delete(`/api/members/${proposal.id}/${boss.user.id}`)).status).toBe(204);
    expect((await second.client.delete(`/api/members/${proposal.id}/${second.user.id}`)).status).toBe(409);
  });

  it('API5: two coordinators demoting each other at once: one stays coordinator', async () => {
    const boss = await signUp(server);
    const proposal = await createProposal(boss, { title: 'Race', leadPartner: { name: 'Kraków', town: 'Kraków', country: 'PL' } });
    const second = await joinAs(server, boss, proposal.id, proposal.partners[0]!.id, 'coordinator');
    const results = await Promise.all([
      boss.patch(`/api/members/${proposal.id}/${second.user.id}`, { role: 'reviewer' }),
      second.client.patch(`/api/members/${proposal.id}/${boss.user.id}`, { role: 'reviewer' }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]); // the loser is either no longer a coordinator, or the last one
    const after = await getProposal(boss, proposal.id); // both are still members
    expect(after.members.filter((m) => m.role === 'coordinator')).toHaveLength(1);
  });

  it('POL3: editors and reviewers get 403 for member changes, even on themselves', async () => {
    for (const client of [w.editors.bologna, w.reviewer]) {
      expect((await client.patch(memberPath(client.user.id), { role: 'coordinator' })).status).toBe(403);
      expect((await client.delete(memberPath(w.editors.lulea.user.id))).status).toBe(403);
    }
  });

  it('POL2: a non-member gets 404; unknown members and partners are 404; bad ids are 400', async () => {
    const eve = await signUp(server);
    expect((await eve.patch(memberPath(w.reviewer.user.id), { role: 'editor' })).status).toBe(404);
    expect((await eve.delete(memberPath(w.reviewer.user.id))).status).toBe(404);
    expect((await w.coordinator.patch(memberPath(eve.user.id), { role: 'editor' })).status).toBe(404);
    expect((await w.coordinator.patch(memberPath(w.reviewer.user.id), { partnerId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
    const bad = await w.coordinator.patch(`/api/members/${w.proposal.id}/nope`, { role: 'editor' });
    expect(bad.status).toBe(400);
    expect((bad.body as ErrorBody).error.field).toBe('userId');
    const badRole = await w.coordinator.patch(memberPath(w.reviewer.user.id), { role: 'owner' });
    expect(badRole.status).toBe(400);
    expect((badRole.body as ErrorBody).error.field).toBe('role');
  });
});
