import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import {
  bulkInvitationCreatedSchema,
  invitationCreatedSchema,
  invitationListSchema,
  invitationPreviewSchema,
  type Invitation,
} from '../../shared/schemas/invitations';
import type { Role } from '../../shared/schemas/common';
import { parseConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import { openTestDatabase, type TestDatabase } from '../helpers/db';
import { ApiClient, type JsonResponse } from '../helpers/http';
import { createProposal, getProposal, seedWorkshop, signUp, type UserClient, type Workshop } from '../helpers/factories';

// The server's "now" is ours to move: links expire without waiting (TEAM6).
let now = Date.now();
const dayMs = 24 * 60 * 60 * 1000;
let database: TestDatabase;
let server: RunningServer;
let w: Workshop;

beforeAll(async () => {
  database = await openTestDatabase();
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist' });
  server = await startServer(config, { db: database.db, clock: () => new Date(now) });
  w = await seedWorkshop(server);
});
afterAll(async () => {
  await server?.close();
  await database?.dispose();
});
// Many people sign up here, all from one address: the signup throttle is not what this file tests.
beforeEach(async () => {
  await database.db.query('delete from signup_attempts');
});

/** The refusal's code and params, whatever the body's exact nesting. */
function refusalOf(res: JsonResponse): { code: string; params: Record<string, unknown> } {
  const error = (res.body as { error: { code: string; params?: Record<string, unknown> } & Record<string, unknown> }).error;
  return { code: error.code, params: error.params ?? error };
}

async function link(coordinator: ApiClient, proposalId: string, body: { partnerId: string; role: Role; maxUses?: number; expiresInDays?: number }) {
  const res = await coordinator.post(`/api/proposals/${proposalId}/invitations`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return invitationCreatedSchema.parse(res.body);
}

async function bulk(coordinator: ApiClient, proposalId: string, body: Record<string, unknown>) {
  return coordinator.post(`/api/proposals/${proposalId}/invitations/bulk`, body);
}

async function listAll(coordinator: ApiClient, proposalId: string): Promise<Invitation[]> {
  const out: Invitation[] = [];
  let after: string | null = null;
  do {
    const res = await coordinator.get(`/api/proposals/${proposalId}/invitations${after ? `?after=${after}` : ''}`);
    expect(res.status).toBe(200);
    const page = invitationListSchema.parse(res.body);
    out.push(...page.invitations);
    after = page.next;
  } while (after !== null);
  return out;
}

async function audit(proposalId: string, action: string) {
  return database.db.query<{ data: Record<string, unknown> }>(`select data from audit_events where proposal_id = $1 and action = $2 order by id`, [
    proposalId,
    action,
  ]);
}

/** A fresh proposal with one more partner, for counts nobody else touches. */
async function freshProposal(): Promise<{ coordinator: UserClient; proposalId: string; partnerId: string }> {
  const coordinator = await signUp(server, { name: 'Cap Coordinator' });
  const p = await createProposal(coordinator, { title: 'Caps', leadPartner: { name: 'Comune di Forlì', town: 'Forlì', country: 'IT' } });
  return { coordinator, proposalId: p.id, partnerId: p.partners[0]!.id };
}

describe('multi-use invitation links', () => {
  it('TEAM1: every invitation route refuses without a session (401)', async () => {
    const anon = new ApiClient(server.url);
    expect((await bulk(anon, w.proposal.id, { partnerId: w.partners.lulea.id, role: 'editor', text: 'a@b.it' })).status).toBe(401);
    expect((await anon.post(`/api/proposals/${w.proposal.id}/invitations`, { partnerId: w.partners.lulea.id, role: 'editor', maxUses: 5 })).status).toBe(401);
  });

  it('TEAM2, TEAM10: a link for many people lets in exactly maxUses people, then is used up; the list counts its uses and names its creator', async () => {
    const created = await link(w.coordinator, w.proposal.id, { partnerId: w.partners.lulea.id, role: 'editor', maxUses: 3 });
    expect(created.maxUses).toBe(3);
    const people = [await signUp(server), await signUp(server), await signUp(server)];
    for (const person of people) expect((await person.post(`/api/invitations/${created.token}/accept`)).status).toBe(200);
    const members = (await getProposal(w.coordinator, w.proposal.id)).members;
    for (const person of people) expect(members.find((m) => m.userId === person.user.id)).toMatchObject({ role: 'editor', partnerId: w.partners.lulea.id });

    const fourth = await signUp(server);
    const late = await fourth.post(`/api/invitations/${created.token}/accept`);
    expect(late.status).toBe(404);
    expect(refusalOf(late).code).toBe('invitation_used_up');
    expect(refusalOf(await fourth.get(`/api/invitations/${created.token}`)).code).toBe('invitation_used_up');

    const row = (await listAll(w.coordinator, w.proposal.id)).find((i) => i.id === created.id);
    expect(row).toMatchObject({ state: 'used_up', uses: 3, maxUses: 3, email: null, createdByName: 'Chiara Coordinator', acceptedBy: people[2]!.user.id });
    const joined = (await audit(w.proposal.id, 'member.joined')).filter((e) => e.data.invitationId === created.id);
    expect(joined.map((e) => e.data.userId)).toEqual(people.map((p) => p.user.id));
    const acceptances = await database.db.query<{ user_id: string }>('select user_id from invitation_acceptances where invitation_id = $1', [created.id]);
    expect(acceptances.map((a) => a.user_id).sort()).toEqual(people.map((p) => p.user.id).sort());
  });

  it('TEAM2: maxUses 1..200 and expiresInDays 1..30, at the limit and just past it', async () => {
    const base = { partnerId: w.partners.laCoruna.id, role: 'reviewer' as const };
    const atMax = await link(w.coordinator, w.proposal.id, { ...base, maxUses: limits.invitationMaxUses, expiresInDays: limits.invitationMaxDays });
    expect(atMax.maxUses).toBe(200);
    expect(new Date(atMax.expiresAt).getTime()).toBe(now + limits.invitationMaxDays * dayMs);
    const atMin = await link(w.coordinator, w.proposal.id, { ...base, maxUses: 1, expiresInDays: 1 });
    expect(new Date(atMin.expiresAt).getTime()).toBe(now + dayMs);
    for (const bad of [{ maxUses: 201 }, { maxUses: 0 }, { maxUses: 2.5 }, { expiresInDays: 31 }, { expiresInDays: 0 }, { maxUses: '5' }]) {
      const res = await w.coordinator.post(`/api/proposals/${w.proposal.id}/invitations`, { ...base, ...bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    // Without maxUses the link is personal: one use, as before.
    expect((await link(w.coordinator, w.proposal.id, base)).maxUses).toBe(1);
    const created = await audit(w.proposal.id, 'invitation.created');
    expect(created.find((e) => e.data.invitationId === atMax.id)?.data).toMatchObject({ maxUses: 200, role: 'reviewer', partnerId: w.partners.laCoruna.id });
  });

  it('TEAM7: twenty people accepting a five-use link at once: exactly five join', async () => {
    const created = await link(w.coordinator, w.proposal.id, { partnerId: w.partners.helsinki.id, role: 'editor', maxUses: 5 });
    const people = await Promise.all(Array.from({ length: 20 }, () => signUp(server)));
    const results = await Promise.all(people.map((p) => p.post(`/api/invitations/${created.token}/accept`)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(5);
    for (const r of results.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(404);
      expect(refusalOf(r).code).toBe('invitation_used_up');
    }
    const members = (await getProposal(w.coordinator, w.proposal.id)).members;
    expect(members.filter((m) => people.some((p) => p.user.id === m.userId))).toHaveLength(5);
    const [row] = await database.db.query<{ uses: number }>('select uses from invitations where id = $1', [created.id]);
    expect(row?.uses).toBe(5);
  });

  it('TEAM7: a member accepting again gets 409 already_member, and no use is spent', async () => {
    const created = await link(w.coordinator, w.proposal.id, { partnerId: w.partners.lulea.id, role: 'editor', maxUses: 2 });
    const res = await w.editors.lulea.post(`/api/invitations/${created.token}/accept`);
    expect(res.status).toBe(409);
    expect(refusalOf(res).code).toBe('already_member');
    expect((await listAll(w.coordinator, w.proposal.id)).find((i) => i.id === created.id)).toMatchObject({ state: 'pending', uses: 0 });
  });

  it('TEAM6: a link expires on the server clock: preview and accept say invitation_expired, the list says expired', async () => {
    const created = await link(w.coordinator, w.proposal.id, { partnerId: w.partners.lulea.id, role: 'editor', maxUses: 10, expiresInDays: 1 });
    const someone = await signUp(server);
    expect((await someone.get(`/api/invitations/${created.token}`)).status).toBe(200);
    const start = now;
    try {
      now = start + dayMs - 1000;
      expect((await someone.get(`/api/invitations/${created.token}`)).status).toBe(200);
      now = start + dayMs;
      for (const res of [await someone.get(`/api/invitations/${created.token}`), await someone.post(`/api/invitations/${created.token}/accept`)]) {
        expect(res.status).toBe(404);
        expect(refusalOf(res).code).toBe('invitation_expired');
      }
      expect((await listAll(w.coordinator, w.proposal.id)).find((i) => i.id === created.id)?.state).toBe('expired');
    } finally {
      now = start;
    }
  });

  it('TEAM6, TEAM10: a revoked link is dead: preview and accept say invitation_revoked; an unknown token is plain not_found', async () => {
    const created = await link(w.coordinator, w.proposal.id, { partnerId: w.partners.lulea.id, role: 'editor', maxUses: 10 });
    expect((await w.coordinator.delete(`/api/invitations/${created.id}`)).status).toBe(204);
    expect((await w.coordinator.delete(`/api/invitations/${created.id}`)).status).toBe(204); // twice: still revoked, one audit row
    const someone = await signUp(server);
    for (const res of [await new ApiClient(server.url).get(`/api/invitations/${created.token}`), await someone.post(`/api/invitations/${created.token}/accept`)]) {
      expect(res.status).toBe(404);
      expect(refusalOf(res).code).toBe('invitation_revoked');
    }
    const unknown = await someone.post(`/api/invitations/${'b'.repeat(32)}/accept`);
    expect(unknown.status).toBe(404);
    expect(refusalOf(unknown).code).toBe('not_found');
    expect((await listAll(w.coordinator, w.proposal.id)).find((i) => i.id === created.id)?.state).toBe('revoked');
    const revoked = (await audit(w.proposal.id, 'invitation.revoked')).filter((e) => e.data.invitationId === created.id);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]?.data).toMatchObject({ partnerId: w.partners.lulea.id, role: 'editor', maxUses: 10, uses: 0 });
  });

  it('TEAM3: a used-up link cannot be revoked (409 invitation_used_up)', async () => {
    const created = await link(w.coordinator, w.proposal.id, { partnerId: w.partners.lulea.id, role: 'reviewer' });
    expect((await (await signUp(server)).post(`/api/invitations/${created.token}/accept`)).status).toBe(200);
    const res = await w.coordinator.delete(`/api/invitations/${created.id}`);
    expect(res.status).toBe(409);
    expect(refusalOf(res).code).toBe('invitation_used_up');
  });
});

describe('bulk invitations', () => {
  it('TEAM4, TEAM10: a pasted list becomes one personal link per address: names and separators read, repeats merged, members skipped', async () => {
    const text = [
      'Anna Bianchi <anna.bianchi@comune.bologna.it>; "Rossi, Mario" <Mario.Rossi@comune.bologna.it>',
      'giulia@example.it, GIULIA@example.it',
      'mailto:paolo@example.it',
      `${w.editors.bologna.user.email}`,
      '',
    ].join('\n');
    const res = await bulk(w.coordinator, w.proposal.id, { partnerId: w.partners.bologna.id, role: 'editor', text });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const out = bulkInvitationCreatedSchema.parse(res.body);
    expect(out.invitations.map((i) => i.email)).toEqual(['anna.bianchi@comune.bologna.it', 'mario.rossi@comune.bologna.it', 'giulia@example.it', 'paolo@example.it']);
    expect(out.skipped).toEqual([{ email: w.editors.bologna.user.email.toLowerCase(), reason: 'already_member' }]);
    for (const i of out.invitations) expect(i.url).toBe(`${server.ctx.publicOrigin()}/invite/${i.token}`);

    // Each link is personal: one use; the list shows the address.
    const anna = await signUp(server, { email: 'anna.bianchi@comune.bologna.it', name: 'Anna Bianchi' });
    expect((await anna.post(`/api/invitations/${out.invitations[0]!.token}/accept`)).status).toBe(200);
    expect((await (await signUp(server)).post(`/api/invitations/${out.invitations[0]!.token}/accept`)).status).toBe(404);
    const listed = await listAll(w.coordinator, w.proposal.id);
    expect(listed.find((i) => i.id === out.invitations[0]!.id)).toMatchObject({ state: 'used_up', email: 'anna.bianchi@comune.bologna.it', maxUses: 1, uses: 1 });
    expect(listed.find((i) => i.id === out.invitations[1]!.id)).toMatchObject({ state: 'pending', email: 'mario.rossi@comune.bologna.it', role: 'editor' });

    // One audit event for the batch, with its count.
    const events = await audit(w.proposal.id, 'invitation.bulk_created');
    expect(events.at(-1)?.data).toMatchObject({ count: 4, skipped: 1, partnerId: w.partners.bologna.id, role: 'editor' });

    // Pasting the same list again makes nothing new: the rest have pending links (or joined).
    const again = bulkInvitationCreatedSchema.parse((await bulk(w.coordinator, w.proposal.id, { partnerId: w.partners.bologna.id, role: 'editor', text })).body);
    expect(again.invitations).toEqual([]);
    expect(again.skipped.map((s) => s.reason).sort()).toEqual(['already_invited', 'already_invited', 'already_invited', 'already_member', 'already_member']);
  });

  it('TEAM4: a list of addresses works like the text; each item may hold several', async () => {
    const res = await bulk(w.coordinator, w.proposal.id, { partnerId: w.partners.helsinki.id, role: 'reviewer', emails: ['aino@hel.example', 'eino@hel.example; veera@hel.example'] });
    expect(res.status).toBe(201);
    expect(bulkInvitationCreatedSchema.parse(res.body).invitations.map((i) => i.email)).toEqual(['aino@hel.example', 'eino@hel.example', 'veera@hel.example']);
  });

  it('TEAM4: one entry that is not an address refuses the whole list with 400 invalid_emails and the entries named, and creates nothing', async () => {
    const { coordinator, proposalId, partnerId } = await freshProposal();
    const res = await bulk(coordinator, proposalId, { partnerId, role: 'editor', text: 'ok@example.it, not an address\nalso@example.it; @example.it' });
    expect(res.status).toBe(400);
    const { code, params } = refusalOf(res);
    expect(code).toBe('invalid_emails');
    expect(params).toMatchObject({ count: 2, indexes: '1,3', positions: '2, 4' });
    expect(await listAll(coordinator, proposalId)).toEqual([]);
    const empty = await bulk(coordinator, proposalId, { partnerId, role: 'editor', text: ' ,;\n ' });
    expect(empty.status).toBe(400);
    expect(refusalOf(empty).code).toBe('no_emails');
    // Exactly one of text and emails.
    expect((await bulk(coordinator, proposalId, { partnerId, role: 'editor' })).status).toBe(400);
    expect((await bulk(coordinator, proposalId, { partnerId, role: 'editor', text: 'a@b.it', emails: ['c@d.it'] })).status).toBe(400);
  });

  it('TEAM4: 100 distinct addresses at once, not 101; text up to 50,000 characters; lists up to 500 entries', async () => {
    const { coordinator, proposalId, partnerId } = await freshProposal();
    const addresses = (n: number) => Array.from({ length: n }, (_, i) => `person${i}@workshop.example`);
    const over = await bulk(coordinator, proposalId, { partnerId, role: 'editor', text: addresses(101).join('\n') });
    expect(over.status).toBe(400);
    expect(refusalOf(over)).toMatchObject({ code: 'too_many_emails', params: { limit: 100, count: 101 } });

    const longText = (len: number) => 'x@workshop.example' + ' '.repeat(len - 'x@workshop.example'.length);
    expect((await bulk(coordinator, proposalId, { partnerId, role: 'editor', text: longText(limits.bulkInvitationMaxChars + 1) })).status).toBe(400);
    expect((await bulk(coordinator, proposalId, { partnerId, role: 'editor', emails: Array(limits.bulkInvitationMaxEntries + 1).fill('y@workshop.example') })).status).toBe(400);
    expect(await listAll(coordinator, proposalId)).toEqual([]);
    expect((await bulk(coordinator, proposalId, { partnerId, role: 'editor', text: longText(limits.bulkInvitationMaxChars) })).status).toBe(201);
    expect((await bulk(coordinator, proposalId, { partnerId, role: 'editor', emails: Array(limits.bulkInvitationMaxEntries).fill('y@workshop.example') })).status).toBe(201);

    const { coordinator: c2, proposalId: p2, partnerId: partner2 } = await freshProposal();
    const hundred = await bulk(c2, p2, { partnerId: partner2, role: 'editor', text: addresses(100).join(', ') });
    expect(hundred.status).toBe(201);
    expect(bulkInvitationCreatedSchema.parse(hundred.body).invitations).toHaveLength(100);
  });

  it('TEAM4: the pending-invitation cap holds for the whole batch: all or none', async () => {
    const { coordinator, proposalId, partnerId } = await freshProposal();
    const cap = limits.maxPendingInvitationsPerProposal;
    const first = await bulk(coordinator, proposalId, { partnerId, role: 'editor', text: Array.from({ length: cap - 5 }, (_, i) => `a${i}@cap.example`).join('\n') });
    expect(first.status).toBe(201);
    const six = Array.from({ length: 6 }, (_, i) => `b${i}@cap.example`);
    const refused = await bulk(coordinator, proposalId, { partnerId, role: 'editor', emails: six });
    expect(refused.status).toBe(409);
    expect(refusalOf(refused)).toMatchObject({ code: 'pending_invitations_limit', params: { limit: cap } });
    expect(await listAll(coordinator, proposalId)).toHaveLength(cap - 5);
    expect((await bulk(coordinator, proposalId, { partnerId, role: 'editor', emails: six.slice(0, 5) })).status).toBe(201);
    expect(await listAll(coordinator, proposalId)).toHaveLength(cap);
    // A multi-use link counts once, and none fits now.
    expect((await coordinator.post(`/api/proposals/${proposalId}/invitations`, { partnerId, role: 'editor', maxUses: 50 })).status).toBe(409);
  });

  it('TEAM8: editors and reviewers cannot bulk-invite (403); TEAM9: a non-member gets 404, as for a partner of another proposal', async () => {
    for (const client of [w.editors.bologna, w.reviewer]) {
      expect((await bulk(client, w.proposal.id, { partnerId: w.partners.lulea.id, role: 'editor', text: 'z@x.it' })).status).toBe(403);
    }
    const eve = await signUp(server);
    expect((await bulk(eve, w.proposal.id, { partnerId: w.partners.lulea.id, role: 'editor', text: 'z@x.it' })).status).toBe(404);
    const { partnerId: elsewhere } = await freshProposal();
    expect((await bulk(w.coordinator, w.proposal.id, { partnerId: elsewhere, role: 'editor', text: 'z@x.it' })).status).toBe(404);
  });
});
