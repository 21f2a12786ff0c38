import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../shared/schemas/common';
import { invitationListSchema, invitationPreviewSchema } from '../../shared/schemas/domain';
import { limits } from '../../shared/limits';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { accept, createProposal, getProposal, invite, seedWorkshop, signUp, type Workshop } from '../helpers/factories';

let server: TestServer;
let w: Workshop;
beforeAll(async () => {
  server = await startTestServer();
  w = await seedWorkshop(server);
});
afterAll(async () => {
  await server?.stop();
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('invitations API', () => {
  it('API4: rejects without session (401)', async () => {
    const anon = new ApiClient(server.url);
    const { token, id } = await invite(w.coordinator, w.proposal.id, w.partners.lulea.id, 'editor');
    expect((await anon.post(`/api/proposals/${w.proposal.id}/invitations`, { partnerId: w.partners.lulea.id, role: 'editor' })).status).toBe(401);
    expect((await anon.get(`/api/proposals/${w.proposal.id}/invitations`)).status).toBe(401);
    expect((await anon.delete(`/api/invitations/${id}`)).status).toBe(401);
    expect((await anon.post(`/api/invitations/${token}/accept`)).status).toBe(401);
  });

  it('API4: the token has 160 random bits, the url points at the invite page, and only the SHA-256 is stored', async () => {
    const created = await invite(w.coordinator, w.proposal.id, w.partners.lulea.id, 'editor');
    expect(created.token).toMatch(/^[a-z2-7]{32}$/); // 32 base32 characters = 160 bits
    expect(created.url).toBe(`${server.ctx.publicOrigin()}/invite/${created.token}`);
    const rows = await server.database.db.query<{ token_hash: string; expires_at: Date; created_at: Date }>(
      'select token_hash, expires_at, created_at from invitations where id = $1',
      [created.id],
    );
    expect(rows[0]?.token_hash).toBe(sha256(created.token));
    const dump = JSON.stringify(await server.database.db.query('select * from invitations'));
    expect(dump).not.toContain(created.token);
    const lifetime = rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime();
    expect(Math.abs(lifetime - limits.invitationLifetimeMs)).toBeLessThan(60_000);
  });

  it('API4: the preview shows proposal, partner and role without a session', async () => {
    const { token } = await invite(w.coordinator, w.proposal.id, w.partners.laCoruna.id, 'reviewer');
    const res = await new ApiClient(server.url).get(`/api/invitations/${token}`);
    expect(res.status).toBe(200);
    expect(invitationPreviewSchema.parse(res.body).invitation).toMatchObject({
      proposalTitle: w.proposal.title,
      partner: { name: 'Concello da Coruña', town: 'La Coruña', country: 'ES' },
      role: 'reviewer',
    });
    expect((await new ApiClient(server.url).get(`/api/invitations/${'a'.repeat(32)}`)).status).toBe(404);
  });

  it('API4: accepting joins the invited partner with the invited role, once; the audit says so (API7)', async () => {
    const { token } = await invite(w.coordinator, w.proposal.id, w.partners.helsinki.id, 'reviewer');
    const newcomer = await signUp(server, { name: 'Noora' });
    expect(await accept(newcomer, token)).toBe(w.proposal.id);
    const p = await getProposal(newcomer, w.proposal.id);
    expect(p.members.find((m) => m.userId === newcomer.user.id)).toMatchObject({ role: 'reviewer', partnerId: w.partners.helsinki.id });
    expect(p.abilities.manage).toBe(false);
    // Single use: a second person cannot use it, and the preview is gone.
    const late = await signUp(server);
    expect((await late.post(`/api/invitations/${token}/accept`)).status).toBe(404);
    expect((await late.get(`/api/invitations/${token}`)).status).toBe(404);
    expect((await late.get(`/api/proposals/${w.proposal.id}`)).status).toBe(404);
    const list = invitationListSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/invitations`)).body).invitations;
    const row = list.find((i) => i.acceptedBy === newcomer.user.id);
    expect(row?.state).toBe('used_up');
  });

  it('API4: two people accepting one invitation at once: exactly one joins', async () => {
    const { token } = await invite(w.coordinator, w.proposal.id, w.partners.lulea.id, 'editor');
    const [a, b] = await Promise.all([signUp(server), signUp(server)]);
    const results = await Promise.all([a.post(`/api/invitations/${token}/accept`), b.post(`/api/invitations/${token}/accept`)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
    const p = await getProposal(w.coordinator, w.proposal.id);
    expect(p.members.filter((m) => m.userId === a.user.id || m.userId === b.user.id)).toHaveLength(1);
  });

  it('API4: an existing member accepting gets 409 and the invitation stays usable', async () => {
    const { token } = await invite(w.coordinator, w.proposal.id, w.partners.lulea.id, 'coordinator');
    const res = await w.editors.lulea.post(`/api/invitations/${token}/accept`);
    expect(res.status).toBe(409);
    const p = await getProposal(w.editors.lulea, w.proposal.id);
    expect(p.members.find((m) => m.userId === w.editors.lulea.user.id)?.role).toBe('editor');
    expect((await new ApiClient(server.url).get(`/api/invitations/${token}`)).status).toBe(200);
  });

  it('API4: a coordinator lists and revokes invitations; a revoked token is dead', async () => {
    const { token, id } = await invite(w.coordinator, w.proposal.id, w.partners.lulea.id, 'editor');
    const before = invitationListSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/invitations`)).body).invitations;
    expect(before.find((i) => i.id === id)).toMatchObject({ state: 'pending', role: 'editor', partnerId: w.partners.lulea.id });
    expect(JSON.stringify(before)).not.toContain(token);
    expect((await w.coordinator.delete(`/api/invitations/${id}`)).status).toBe(204);
    const after = invitationListSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/invitations`)).body).invitations;
    expect(after.find((i) => i.id === id)?.state).toBe('revoked');
    const someone = await signUp(server);
    expect((await someone.post(`/api/invitations/${token}/accept`)).status).toBe(404);
  });

  it('API4: an expired invitation is refused (7 days)', async () => {
    const { token, id } = await invite(w.coordinator, w.proposal.id, w.partners.lulea.id, 'editor');
    await server.database.db.query(`update invitations set expires_at = now() - interval '1 second' where id = $1`, [id]);
    const someone = await signUp(server);
    expect((await someone.get(`/api/invitations/${token}`)).status).toBe(404);
    expect((await someone.post(`/api/invitations/${token}/accept`)).status).toBe(404);
    const list = invitationListSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/invitations`)).body).invitations;
    expect(list.find((i) => i.id === id)?.state).toBe('expired');
  });

  it('POL3: editors and reviewers cannot invite, list or revoke (403)', async () => {
    const { id } = await invite(w.coordinator, w.proposal.id, w.partners.lulea.id, 'editor');
    for (const client of [w.editors.bologna, w.reviewer]) {
      expect((await client.post(`/api/proposals/${w.proposal.id}/invitations`, { partnerId: w.partners.lulea.id, role: 'coordinator' })).status).toBe(403);
      expect((await client.get(`/api/proposals/${w.proposal.id}/invitations`)).status).toBe(403);
      expect((await client.delete(`/api/invitations/${id}`)).status).toBe(403);
    }
  });

  it('POL2: a non-member gets 404 for the invitation routes of a proposal', async () => {
    const { id } = await invite(w.coordinator, w.proposal.id, w.partners.lulea.id, 'editor');
    const eve = await signUp(server);
    expect((await eve.post(`/api/proposals/${w.proposal.id}/invitations`, { partnerId: w.partners.lulea.id, role: 'editor' })).status).toBe(404);
    expect((await eve.get(`/api/proposals/${w.proposal.id}/invitations`)).status).toBe(404);
    expect((await eve.delete(`/api/invitations/${id}`)).status).toBe(404);
  });

  it('API9: a partner of another proposal is a 404; a malformed token is a 400', async () => {
    const other = await signUp(server);
    const elsewhere = await createProposal(other, { title: 'Other', leadPartner: { name: 'Stadt Köln', town: 'Köln', country: 'DE' } });
    const wrong = await w.coordinator.post(`/api/proposals/${w.proposal.id}/invitations`, { partnerId: elsewhere.partners[0]!.id, role: 'editor' });
    expect(wrong.status).toBe(404);
    const bad = await other.post('/api/invitations/not-a-token/accept');
    expect(bad.status).toBe(400);
    expect((bad.body as ErrorBody).error.field).toBe('token');
  });
});
