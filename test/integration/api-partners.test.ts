import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../shared/schemas/common';
import { auditPageSchema, partnerResponseSchema } from '../../shared/schemas/domain';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { addPartner, getProposal, helsinki, lulea, seedWorkshop, signUp, type Workshop } from '../helpers/factories';

let server: TestServer;
let w: Workshop;
beforeAll(async () => {
  server = await startTestServer();
  w = await seedWorkshop(server);
});
afterAll(async () => {
  await server?.stop();
});

const code = (body: unknown) => (body as ErrorBody).error.code;

async function latestAudit(client: ApiClient, proposalId: string) {
  return auditPageSchema.parse((await client.get(`/api/proposals/${proposalId}/audit?limit=1`)).body).events[0];
}

describe('partners API', () => {
  it('API3: rejects without session (401)', async () => {
    const anon = new ApiClient(server.url);
    expect((await anon.post(`/api/proposals/${w.proposal.id}/partners`, lulea)).status).toBe(401);
    expect((await anon.patch(`/api/partners/${w.partners.lulea.id}`, { name: 'x' })).status).toBe(401);
    expect((await anon.delete(`/api/partners/${w.partners.lulea.id}`)).status).toBe(401);
  });

  it('API3: a coordinator adds a partner (201) and the change is audited (API7)', async () => {
    const res = await w.coordinator.post(`/api/proposals/${w.proposal.id}/partners`, { name: 'Ville de Lyon', town: 'Lyon', country: 'fr', kind: 'municipality' });
    expect(res.status).toBe(201);
    const { partner } = partnerResponseSchema.parse(res.body);
    expect(partner).toMatchObject({ name: 'Ville de Lyon', town: 'Lyon', country: 'FR', isLead: false });
    const event = await latestAudit(w.coordinator, w.proposal.id);
    expect(event).toMatchObject({ action: 'partner.added', actorId: w.coordinator.user.id, data: { partnerId: partner.id, name: 'Ville de Lyon' } });
  });

  it('API3: a coordinator renames a partner and the audit records from and to', async () => {
    const p = await addPartner(w.coordinator, w.proposal.id, { ...helsinki, name: 'Espoo' });
    const res = await w.coordinator.patch(`/api/partners/${p.id}`, { name: 'Espoon kaupunki', town: 'Espoo' });
    expect(res.status).toBe(200);
    expect(partnerResponseSchema.parse(res.body).partner).toMatchObject({ id: p.id, name: 'Espoon kaupunki', town: 'Espoo', country: 'FI' });
    expect(await latestAudit(w.coordinator, w.proposal.id)).toMatchObject({
      action: 'partner.updated',
      data: { partnerId: p.id, changes: { name: { from: 'Espoo', to: 'Espoon kaupunki' }, town: { from: 'Helsinki', to: 'Espoo' } } },
    });
  });

  it('API3: a partner is removed only while it owns no section and has no members; the lead never', async () => {
    const extra = await addPartner(w.coordinator, w.proposal.id, { ...lulea, name: 'Kiruna' });
    const section = w.proposal.sections[3]!;
    expect((await w.coordinator.patch(`/api/sections/${section.id}`, { ownerPartnerId: extra.id })).status).toBe(200);
    const owns = await w.coordinator.delete(`/api/partners/${extra.id}`);
    expect(owns.status).toBe(409);
    expect((owns.body as ErrorBody).error).toMatchObject({ code: 'partner_owns_sections', params: { count: 1 } });
    expect((await w.coordinator.delete(`/api/partners/${w.partners.lulea.id}`)).status).toBe(409); // has an editor
    expect((await w.coordinator.delete(`/api/partners/${w.partners.bologna.id}`)).status).toBe(409); // the lead
    expect((await w.coordinator.patch(`/api/sections/${section.id}`, { ownerPartnerId: w.partners.bologna.id })).status).toBe(200);
    expect((await w.coordinator.delete(`/api/partners/${extra.id}`)).status).toBe(204);
    const after = await getProposal(w.coordinator, w.proposal.id);
    expect(after.partners.map((p) => p.id)).not.toContain(extra.id);
    expect(await latestAudit(w.coordinator, w.proposal.id)).toMatchObject({ action: 'partner.removed', data: { partnerId: extra.id } });
    expect((await w.coordinator.delete(`/api/partners/${extra.id}`)).status).toBe(404);
  });

  it('POL3: editors and reviewers get 403 for partner changes', async () => {
    for (const client of [w.editors.bologna, w.editors.lulea, w.reviewer]) {
      const add = await client.post(`/api/proposals/${w.proposal.id}/partners`, lulea);
      expect(add.status).toBe(403);
      expect(code(add.body)).toBe('forbidden');
      expect((await client.patch(`/api/partners/${w.partners.lulea.id}`, { name: 'Hacked' })).status).toBe(403);
      expect((await client.delete(`/api/partners/${w.partners.laCoruna.id}`)).status).toBe(403);
    }
  });

  it('POL2: a non-member gets 404 for every partner route, like an unknown id', async () => {
    const eve = await signUp(server);
    expect((await eve.post(`/api/proposals/${w.proposal.id}/partners`, lulea)).status).toBe(404);
    expect((await eve.patch(`/api/partners/${w.partners.lulea.id}`, { name: 'x' })).status).toBe(404);
    expect((await eve.delete(`/api/partners/${w.partners.lulea.id}`)).status).toBe(404);
    expect((await w.coordinator.patch('/api/partners/00000000-0000-4000-8000-000000000000', { name: 'x' })).status).toBe(404);
  });

  it('API9: bad partner input is a 400 naming the field', async () => {
    const res = await w.coordinator.post(`/api/proposals/${w.proposal.id}/partners`, { name: 'X', town: 'Y', country: 'Sweden' });
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).error.field).toBe('country');
    const empty = await w.coordinator.patch(`/api/partners/${w.partners.lulea.id}`, {});
    expect(empty.status).toBe(400);
  });
});
