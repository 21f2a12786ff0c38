import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/config';
import type { Sql } from '../../server/db/sql';
import { startServer, type RunningServer } from '../../server/server';
import { limits } from '../../shared/limits';
import { insertComment } from '../../server/db/comments';
import { insertInvitation } from '../../server/db/invitations';
import { auditPageSchema, invitationCreatedSchema, invitationListSchema, proposalListSchema } from '../../shared/schemas/domain';
import { commentResponseSchema, threadsResponseSchema, type Thread } from '../../shared/schemas/review';
import { openEventStream, type EventStream } from '../helpers/event-stream';
import { instrumented, openTestDatabase, type TestDatabase } from '../helpers/db';
import { buildWorld, createProposal, invite, lulea, signUp, type CollabWorld, type UserClient } from '../helpers/factories';
import { waitFor } from '../helpers/yclient';

/**
 * SEC26 and SEC27: lists that grow without bound come in pages, counts have caps,
 * and the event streams of a proposal share one activity reader. A real server
 * over the file's real database, instrumented to count statements.
 */
let database: TestDatabase;
let server: RunningServer;
let world: CollabWorld;
let counted: string[] = [];
let counting = false;
const closers: (() => void)[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  const db: Sql = instrumented(database.db, {
    query: (text, params) => {
      if (counting) counted.push(text);
      return database.db.query(text, params);
    },
  });
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist' });
  server = await startServer(config, { db });
  world = await buildWorld(server);
});
afterAll(async () => {
  for (const close of closers) close();
  await server?.close();
  await database?.dispose();
});

async function openStream(client: UserClient, proposalId: string): Promise<EventStream> {
  const stream = await openEventStream(server.url, client.cookie, proposalId);
  closers.push(() => stream.close());
  expect(stream.status).toBe(200);
  await waitFor(() => stream.events.length > 0, 5000, 'the stream started');
  return stream;
}

const auditReads = (statements: readonly string[]) => statements.filter((s) => /from audit_events/i.test(s) && /a\.id > /.test(s));

describe('SEC27 event streams', () => {
  it('SEC27 K streams on one proposal: one activity-producing change runs ONE audit query, and every stream gets the entry', async () => {
    const k = 6;
    const clients = [world.coordinator, world.editor, world.reviewer];
    const streams: EventStream[] = [];
    for (let i = 0; i < k; i++) streams.push(await openStream(clients[i % clients.length]!, world.proposal.id));
    counted = [];
    counting = true;
    let added: { status: number };
    try {
      added = await world.coordinator.post(`/api/proposals/${world.proposal.id}/partners`, { ...lulea, name: 'Piteå kommun', town: 'Piteå' });
      await waitFor(() => streams.every((s) => s.events.some((e) => e.type === 'activity' && e.event.action === 'partner.added')), 10_000, 'the activity entry on every stream');
    } finally {
      counting = false;
    }
    expect(added.status).toBe(201);
    expect(auditReads(counted)).toHaveLength(1);
    for (const s of streams) expect(s.events.filter((e) => e.type === 'activity' && e.event.action === 'partner.added')).toHaveLength(1);
    for (const s of streams) s.close();
  });

  it(`SEC27 one user keeps ${limits.maxEventStreamsPerUser} streams on an instance; opening one more ends the oldest with superseded`, async () => {
    const user = await signUp(server, { name: 'Many tabs' });
    const proposals = [await createProposal(user, { title: 'Tabs A' }), await createProposal(user, { title: 'Tabs B' })];
    const streams: EventStream[] = [];
    for (let i = 0; i < limits.maxEventStreamsPerUser; i++) streams.push(await openStream(user, proposals[i % 2]!.id));
    // At the limit: every stream is open and none was told to go.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(streams.map((s) => s.ended)).toEqual(streams.map(() => false));
    expect(streams.flatMap((s) => s.events.filter((e) => e.type === 'superseded'))).toEqual([]);
    // One past it: the oldest hears superseded and ends; the rest and the new one stay.
    const newest = await openStream(user, proposals[0]!.id);
    await waitFor(() => streams[0]!.ended, 5000, 'the oldest stream ended');
    expect(streams[0]!.events.at(-1)).toEqual({ type: 'superseded' });
    expect(streams.slice(1).map((s) => s.ended)).toEqual(streams.slice(1).map(() => false));
    expect(newest.ended).toBe(false);
    // Another user's streams do not count against this one.
    const other = await openStream(world.coordinator, world.proposal.id);
    expect(other.ended).toBe(false);
    expect(streams.slice(1).map((s) => s.ended)).toEqual(streams.slice(1).map(() => false));
  });
});

/** Rows a test seeds straight through the db layer (uncounted), up to one below a cap. */
async function seedRootComments(sectionId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await insertComment(database.db, { threadId: null, sectionId, proposalId: world.proposal.id, authorId: world.coordinator.user.id, body: `seed ${i}`, mentions: [], anchor: null });
  }
}

const refusedWith = (res: { status: number; body: unknown }, code: string, limit: number) => {
  expect(res.status).toBe(409);
  expect(res.body).toMatchObject({ error: { code, params: { limit } } });
};

describe('SEC27 caps on counts', () => {
  it(`SEC27 a section holds ${limits.maxOpenThreadsPerSection} open threads: the last one is created, the next, a reopen and a reply that would reopen are 409 open_threads_limit`, async () => {
    const sectionId = world.sectionIds[2]!;
    await seedRootComments(sectionId, limits.maxOpenThreadsPerSection - 1);
    const resolvedRes = await world.editor.post(`/api/sections/${sectionId}/comments`, { body: 'to be resolved' });
    expect(resolvedRes.status).toBe(201);
    const resolved = commentResponseSchema.parse(resolvedRes.body).comment;
    expect((await world.editor.patch(`/api/comments/${resolved.id}`, { resolved: true })).status).toBe(200);
    // At the limit: the 200th open thread is created.
    const last = await world.reviewer.post(`/api/sections/${sectionId}/comments`, { body: 'the last open thread' });
    expect(last.status).toBe(201);
    const another = await world.reviewer.post(`/api/sections/${sectionId}/comments`, { body: 'one past the limit' });
    refusedWith(another, 'open_threads_limit', limits.maxOpenThreadsPerSection);
    // Reopening, directly or by a reply, would pass it too; the thread stays resolved.
    refusedWith(await world.editor.patch(`/api/comments/${resolved.id}`, { resolved: false }), 'open_threads_limit', limits.maxOpenThreadsPerSection);
    refusedWith(await world.reviewer.post(`/api/sections/${sectionId}/comments`, { body: 'a reply', parentId: resolved.id }), 'open_threads_limit', limits.maxOpenThreadsPerSection);
    const [row] = await database.db.query<{ status: string; n: number }>(
      `select (select status from comments where id = $1) as status, (select count(*)::int8 from comments where section_id = $2 and parent_id is null and status = 'open') as n`,
      [resolved.id, sectionId],
    );
    expect(row).toEqual({ status: 'resolved', n: limits.maxOpenThreadsPerSection });
    // Resolving one makes room for exactly one.
    const lastId = commentResponseSchema.parse(last.body).comment.id;
    expect((await world.reviewer.patch(`/api/comments/${lastId}`, { resolved: true })).status).toBe(200);
    expect((await world.reviewer.post(`/api/sections/${sectionId}/comments`, { body: 'room again' })).status).toBe(201);
    refusedWith(await world.reviewer.post(`/api/sections/${sectionId}/comments`, { body: 'full again' }), 'open_threads_limit', limits.maxOpenThreadsPerSection);
  });

  it(`SEC27 a thread holds ${limits.maxCommentsPerThread} comments, its root included: the last reply is created, the next is 409 thread_comments_limit`, async () => {
    const sectionId = world.sectionIds[3]!;
    const root = commentResponseSchema.parse((await world.coordinator.post(`/api/sections/${sectionId}/comments`, { body: 'a long discussion' })).body).comment;
    for (let i = 0; i < limits.maxCommentsPerThread - 2; i++) {
      await insertComment(database.db, { threadId: root.id, sectionId, proposalId: world.proposal.id, authorId: world.editor.user.id, body: `reply ${i}`, mentions: [], anchor: null });
    }
    expect((await world.reviewer.post(`/api/sections/${sectionId}/comments`, { body: 'the last reply', parentId: root.id })).status).toBe(201);
    refusedWith(await world.reviewer.post(`/api/sections/${sectionId}/comments`, { body: 'one too many', parentId: root.id }), 'thread_comments_limit', limits.maxCommentsPerThread);
    const [row] = await database.db.query<{ n: number }>(`select count(*)::int8 as n from comments where thread_id = $1`, [root.id]);
    expect(row?.n).toBe(limits.maxCommentsPerThread);
  });

  it(`SEC27 a proposal holds ${limits.maxPendingInvitationsPerProposal} pending invitations: the last is created, the next is 409 pending_invitations_limit until one is revoked`, async () => {
    const owner = await signUp(server, { name: 'Inviter' });
    const proposal = await createProposal(owner, { title: 'Many invitations' });
    const partnerId = proposal.partners[0]!.id;
    const expiresAt = new Date(Date.now() + limits.invitationLifetimeMs);
    for (let i = 0; i < limits.maxPendingInvitationsPerProposal - 1; i++) {
      await insertInvitation(database.db, { proposalId: proposal.id, partnerId, role: 'editor', tokenHash: `seed-${proposal.id}-${i}`, createdBy: owner.user.id, expiresAt });
    }
    // An expired one does not count.
    await insertInvitation(database.db, { proposalId: proposal.id, partnerId, role: 'editor', tokenHash: `expired-${proposal.id}`, createdBy: owner.user.id, expiresAt: new Date(Date.now() - 1000) });
    const last = await invite(owner, proposal.id, partnerId, 'reviewer');
    refusedWith(await owner.post(`/api/proposals/${proposal.id}/invitations`, { partnerId, role: 'reviewer' }), 'pending_invitations_limit', limits.maxPendingInvitationsPerProposal);
    expect((await owner.delete(`/api/invitations/${invitationCreatedSchema.parse(last).id}`)).status).toBe(204);
    expect((await owner.post(`/api/proposals/${proposal.id}/invitations`, { partnerId, role: 'reviewer' })).status).toBe(201);
    refusedWith(await owner.post(`/api/proposals/${proposal.id}/invitations`, { partnerId, role: 'reviewer' }), 'pending_invitations_limit', limits.maxPendingInvitationsPerProposal);
  });

  it(`SEC27 a user belongs to at most ${limits.maxProposalsPerUser} proposals: the last is created, the next create and an invitation accepted past it are 409 proposals_limit`, async () => {
    const user = await signUp(server, { name: 'Busy officer' });
    await createProposal(user, { title: 'The first' });
    await database.db.query(
      `with p as (insert into proposals (title, template_id, created_by) select 'Seed ' || g, 'cerv-network-of-towns', $1 from generate_series(1, $2::int) g returning id),
       pa as (insert into partners (proposal_id, name, town, country, is_lead) select id, 'Lead', 'Town', 'IT', true from p returning id, proposal_id)
       insert into members (proposal_id, user_id, partner_id, role) select proposal_id, $1, id, 'coordinator' from pa`,
      [user.user.id, limits.maxProposalsPerUser - 2],
    );
    expect((await user.post('/api/proposals', { title: 'The last one', leadPartner: lulea })).status).toBe(201);
    refusedWith(await user.post('/api/proposals', { title: 'One too many', leadPartner: lulea }), 'proposals_limit', limits.maxProposalsPerUser);
    const partnerId = world.proposal.partners[0]!.id;
    const { token } = await invite(world.coordinator, world.proposal.id, partnerId, 'reviewer');
    refusedWith(await user.post(`/api/invitations/${token}/accept`), 'proposals_limit', limits.maxProposalsPerUser);
    const [row] = await database.db.query<{ n: number }>(`select count(*)::int8 as n from members where user_id = $1`, [user.user.id]);
    expect(row?.n).toBe(limits.maxProposalsPerUser);
  });
});

/** Every page of `path` (a list with `next`), following the cursors; the items of each page. */
async function allPages<T>(client: UserClient, path: string, items: (body: unknown) => { items: T[]; next: string | null }): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await client.get(cursor === null ? path : `${path}${sep}after=${encodeURIComponent(cursor)}`);
    expect(res.status).toBe(200);
    const page = items(res.body);
    pages.push(page.items);
    cursor = page.next;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

const threadPage = (body: unknown) => {
  const parsed = threadsResponseSchema.parse(body);
  return { items: parsed.threads, next: parsed.next };
};

describe('SEC26 pages', () => {
  it(`SEC26 a section's threads come ${limits.threadsPageSize} a page, oldest first, each with all its replies, through next cursors (ties on the creation time included)`, async () => {
    const sectionId = world.sectionIds[4]!;
    const total = 2 * limits.threadsPageSize + 3;
    // All in one transaction: every root has the same created_at, so only the id orders them.
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < total; i++) {
        await insertComment(tx, { threadId: null, sectionId, proposalId: world.proposal.id, authorId: world.coordinator.user.id, body: `thread ${i}`, mentions: [], anchor: null });
      }
    });
    const roots = await database.db.query<{ id: string; body: string }>(`select id, body from comments where section_id = $1 and parent_id is null order by created_at, id`, [sectionId]);
    const withReplies = roots[limits.threadsPageSize]!.id; // the first thread of page two
    for (let i = 0; i < 3; i++) expect((await world.editor.post(`/api/sections/${sectionId}/comments`, { body: `reply ${i}`, parentId: withReplies })).status).toBe(201);

    const pages = await allPages<Thread>(world.reviewer, `/api/sections/${sectionId}/comments`, threadPage);
    expect(pages.map((p) => p.length)).toEqual([limits.threadsPageSize, limits.threadsPageSize, 3]);
    expect(pages.flat().map((t) => t.id)).toEqual(roots.map((r) => r.id));
    expect(pages[1]![0]!.comments.map((c) => c.body)).toEqual([roots[limits.threadsPageSize]!.body, 'reply 0', 'reply 1', 'reply 2']);
    const first = threadsResponseSchema.parse((await world.reviewer.get(`/api/sections/${sectionId}/comments`)).body);
    expect(first.openThreads).toBe(total);

    // A thread added while paging shows up on the last page, and nothing repeats.
    const second = threadsResponseSchema.parse((await world.reviewer.get(`/api/sections/${sectionId}/comments?after=${encodeURIComponent(first.next!)}`)).body);
    const added = commentResponseSchema.parse((await world.editor.post(`/api/sections/${sectionId}/comments`, { body: 'added while paging' })).body).comment;
    const rest = await allPages<Thread>(world.reviewer, `/api/sections/${sectionId}/comments?after=${encodeURIComponent(second.next!)}`, threadPage);
    expect(rest.flat().map((t) => t.id)).toEqual([...roots.slice(2 * limits.threadsPageSize).map((r) => r.id), added.id]);

    // limit picks a smaller page; the cap and a bad cursor are 400.
    const one = threadsResponseSchema.parse((await world.reviewer.get(`/api/sections/${sectionId}/comments?limit=1`)).body);
    expect(one.threads.map((t) => t.id)).toEqual([roots[0]!.id]);
    expect((await world.reviewer.get(`/api/sections/${sectionId}/comments?limit=${limits.threadsPageSize}`)).status).toBe(200);
    for (const bad of [`limit=${limits.threadsPageSize + 1}`, 'limit=0', 'limit=two', 'after=abc', `after=${'9'.repeat(17)}.${roots[0]!.id}`, 'after=1.not-a-uuid']) {
      const res = await world.reviewer.get(`/api/sections/${sectionId}/comments?${bad}`);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
  });

  it(`SEC26 a proposal's invitations come ${limits.invitationsPageSize} a page, newest first; a page size past it is 400`, async () => {
    const owner = await signUp(server, { name: 'Paging inviter' });
    const proposal = await createProposal(owner, { title: 'Invitation pages' });
    const partnerId = proposal.partners[0]!.id;
    const expiresAt = new Date(Date.now() + limits.invitationLifetimeMs);
    const total = limits.invitationsPageSize + 7;
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < total; i++) {
        await insertInvitation(tx, { proposalId: proposal.id, partnerId, role: 'editor', tokenHash: `page-${proposal.id}-${i}`, createdBy: owner.user.id, expiresAt });
      }
    });
    const ids = await database.db.query<{ id: string }>(`select id from invitations where proposal_id = $1 order by created_at desc, id desc`, [proposal.id]);
    const pages = await allPages(owner, `/api/proposals/${proposal.id}/invitations`, (body) => {
      const parsed = invitationListSchema.parse(body);
      return { items: parsed.invitations, next: parsed.next };
    });
    expect(pages.map((p) => p.length)).toEqual([limits.invitationsPageSize, 7]);
    expect(pages.flat().map((i) => i.id)).toEqual(ids.map((r) => r.id));
    expect((await owner.get(`/api/proposals/${proposal.id}/invitations?limit=${limits.invitationsPageSize + 1}`)).status).toBe(400);
  });

  it(`SEC26 a user's proposals come ${limits.proposalsPageSize} a page, newest first; a bad cursor is 400`, async () => {
    const user = await signUp(server, { name: 'Many proposals' });
    const total = limits.proposalsPageSize + 2;
    await database.db.query(
      `with p as (insert into proposals (title, template_id, created_by) select 'Paged ' || g, 'cerv-network-of-towns', $1 from generate_series(1, $2::int) g returning id),
       pa as (insert into partners (proposal_id, name, town, country, is_lead) select id, 'Lead', 'Town', 'IT', true from p returning id, proposal_id)
       insert into members (proposal_id, user_id, partner_id, role) select proposal_id, $1, id, 'coordinator' from pa`,
      [user.user.id, total],
    );
    const ids = await database.db.query<{ id: string }>(
      `select p.id from proposals p join members m on m.proposal_id = p.id where m.user_id = $1 order by p.created_at desc, p.id desc`,
      [user.user.id],
    );
    const pages = await allPages(user, '/api/proposals', (body) => {
      const parsed = proposalListSchema.parse(body);
      return { items: parsed.proposals, next: parsed.next };
    });
    expect(pages.map((p) => p.length)).toEqual([limits.proposalsPageSize, 2]);
    expect(pages.flat().map((p) => p.id)).toEqual(ids.map((r) => r.id));
    expect((await user.get('/api/proposals?after=yesterday')).status).toBe(400);
    expect((await user.get(`/api/proposals?limit=${limits.proposalsPageSize + 1}`)).status).toBe(400);
  });

  it(`SEC26 the activity feed pages by id, at most ${limits.auditPageSize} a page`, async () => {
    const ok = await world.reviewer.get(`/api/proposals/${world.proposal.id}/audit?limit=${limits.auditPageSize}`);
    expect(ok.status).toBe(200);
    expect(auditPageSchema.parse(ok.body).events.length).toBeGreaterThan(0);
    expect((await world.reviewer.get(`/api/proposals/${world.proposal.id}/audit?limit=${limits.auditPageSize + 1}`)).status).toBe(400);
  });
});
