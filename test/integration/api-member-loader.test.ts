import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../shared/schemas/common';
import type { Proposal } from '../../shared/schemas/domain';
import { preflightResponseSchema } from '../../shared/schemas/export';
import { snapshotResponseSchema } from '../../shared/schemas/review';
import { createProposal, joinAs, signUp, type UserClient } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { stockClient, typeParagraph, waitFor } from '../helpers/yclient';

/**
 * The member loader (server/api/member-loader.ts) through the real HTTP API:
 * every route that uses it answers an unknown id and a non-member with the
 * same 404, checks in the order the routes always have, and hands the handler
 * the member it resolved. The export command's audit event, exactly once.
 */

let server: TestServer;
let coordinator: UserClient;
let reviewer: UserClient;
/** A member of another proposal only. */
let outsider: UserClient;
let proposal: Proposal;
let sectionId: string;
let snapshotId: string;

const unknownId = '00000000-0000-4000-8000-000000000000';

/** A route that resolves its resource with the loader; `path` builds its URL from the ids it names. */
interface LoaderRoute {
  name: string;
  /** What the 404 names ('Proposal', 'Section' or 'Snapshot'). */
  what: string;
  path: (ids: { proposalId: string; sectionId: string; snapshotId: string }) => string;
  /** The same route with a malformed query, for routes that read one. */
  badQuery?: (ids: { proposalId: string; sectionId: string; snapshotId: string }) => string;
}

const routes: LoaderRoute[] = [
  { name: 'proposal', what: 'Proposal', path: (i) => `/api/proposals/${i.proposalId}` },
  { name: 'audit', what: 'Proposal', path: (i) => `/api/proposals/${i.proposalId}/audit`, badQuery: (i) => `/api/proposals/${i.proposalId}/audit?limit=0` },
  { name: 'board', what: 'Proposal', path: (i) => `/api/proposals/${i.proposalId}/board`, badQuery: (i) => `/api/proposals/${i.proposalId}/board?mine=2` },
  { name: 'events', what: 'Proposal', path: (i) => `/api/proposals/${i.proposalId}/events` },
  { name: 'export', what: 'Proposal', path: (i) => `/api/proposals/${i.proposalId}/export?format=md`, badQuery: (i) => `/api/proposals/${i.proposalId}/export?format=pdf` },
  { name: 'preflight', what: 'Proposal', path: (i) => `/api/proposals/${i.proposalId}/export/preflight` },
  { name: 'invitations', what: 'Proposal', path: (i) => `/api/proposals/${i.proposalId}/invitations` },
  { name: 'meetings', what: 'Proposal', path: (i) => `/api/proposals/${i.proposalId}/meetings` },
  { name: 'snapshots', what: 'Proposal', path: (i) => `/api/proposals/${i.proposalId}/snapshots` },
  {
    name: 'proposal changes',
    what: 'Proposal',
    path: (i) => `/api/proposals/${i.proposalId}/changes?since=${i.snapshotId}`,
    badQuery: (i) => `/api/proposals/${i.proposalId}/changes?since=yesterday`,
  },
  { name: 'section', what: 'Section', path: (i) => `/api/sections/${i.sectionId}` },
  { name: 'comments', what: 'Section', path: (i) => `/api/sections/${i.sectionId}/comments` },
  {
    name: 'section changes',
    what: 'Section',
    path: (i) => `/api/sections/${i.sectionId}/changes?since=${i.snapshotId}`,
    badQuery: (i) => `/api/sections/${i.sectionId}/changes?since=${i.snapshotId}&extra=1`,
  },
  { name: 'snapshot section', what: 'Snapshot', path: (i) => `/api/snapshots/${i.snapshotId}/sections/${i.sectionId}` },
];

const realIds = () => ({ proposalId: proposal.id, sectionId, snapshotId });

/** The id the route's 404 is about, replaced by an id nobody has. */
function unknownIds(what: string) {
  const ids = realIds();
  if (what === 'Proposal') return { ...ids, proposalId: unknownId };
  if (what === 'Section') return { ...ids, sectionId: unknownId };
  return { ...ids, snapshotId: unknownId };
}

/** One GET; an event stream is cut as soon as its headers arrive. */
async function get(client: UserClient | null, path: string): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const abort = new AbortController();
  const res = await fetch(server.url + path, { headers: client?.cookie ? { cookie: client.cookie } : {}, signal: abort.signal });
  const contentType = res.headers.get('content-type');
  if (contentType?.startsWith('text/event-stream')) {
    abort.abort();
    return { status: res.status, contentType, body: null };
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* a download: keep the text */
  }
  return { status: res.status, contentType, body };
}

beforeAll(async () => {
  server = await startTestServer();
  coordinator = await signUp(server, { name: 'Chiara Coordinator' });
  proposal = await createProposal(coordinator);
  const lead = proposal.partners[0];
  const first = [...proposal.sections].sort((a, b) => a.position - b.position)[0];
  if (!lead || !first) throw new Error('the template gave no partner or section');
  sectionId = first.id;
  reviewer = (await joinAs(server, coordinator, proposal.id, lead.id, 'reviewer', { name: 'Rita Reviewer' })).client;
  outsider = await signUp(server, { name: 'Olaf Outsider' });
  await createProposal(outsider, { title: 'Olaf only' });
  const snap = await coordinator.post(`/api/proposals/${proposal.id}/snapshots`, { name: 'Morning draft' });
  expect(snap.status).toBe(201);
  snapshotId = snapshotResponseSchema.parse(snap.body).snapshot.id;
});

afterAll(async () => {
  await server?.stop();
});

describe('HDL: the member loader on every route that uses it', () => {
  for (const route of routes) {
    it(`HDL1: ${route.name}: an unknown id and a non-member get the same 404 (not_found, what: ${route.what.toLowerCase()}); the coordinator gets 200`, async () => {
      const ok = await get(coordinator, route.path(realIds()));
      expect(ok.status).toBe(200);
      const stranger = await get(outsider, route.path(realIds()));
      const unknown = await get(coordinator, route.path(unknownIds(route.what)));
      expect(stranger.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(errorBodySchema.parse(stranger.body)).toEqual({ error: { code: 'not_found', params: { what: route.what.toLowerCase().replace(/\s+/g, '_') } } });
      expect(unknown.body).toEqual(stranger.body);
    });

    it(`HDL2: ${route.name}: 401 without a session (before anything is looked up), 400 for a malformed id, for a member and a non-member alike`, async () => {
      const anon = await get(null, route.path(unknownIds(route.what)));
      expect(anon.status).toBe(401);
      expect(errorBodySchema.parse(anon.body).error.code).toBe('unauthenticated');
      const malformed = { proposalId: 'not-a-uuid', sectionId: 'not-a-uuid', snapshotId: 'not-a-uuid' };
      for (const client of [coordinator, outsider]) {
        const res = await get(client, route.path(malformed));
        expect(res.status).toBe(400);
        expect(errorBodySchema.parse(res.body).error.code).toBe('invalid_input');
      }
    });

    const badQuery = route.badQuery;
    if (badQuery) {
      it(`HDL2: ${route.name}: a malformed query is 400 before the lookup, for a member, a non-member and an unknown id alike`, async () => {
        for (const [client, ids] of [
          [coordinator, realIds()],
          [outsider, realIds()],
          [coordinator, unknownIds(route.what)],
        ] as const) {
          const res = await get(client, badQuery(ids));
          expect(res.status).toBe(400);
          expect(errorBodySchema.parse(res.body).error.code).toBe('invalid_input');
        }
      });
    }
  }

  it('HDL3: a member the policy refuses gets 403 (forbidden) from the loader: a reviewer listing invitations; the same reviewer reads the proposal', async () => {
    const refused = await get(reviewer, `/api/proposals/${proposal.id}/invitations`);
    expect(refused.status).toBe(403);
    expect(errorBodySchema.parse(refused.body).error.code).toBe('forbidden');
    expect((await get(reviewer, `/api/proposals/${proposal.id}`)).status).toBe(200);
  });

  it('HDL3: the event stream opens for a member (text/event-stream), and is a JSON 404 for a non-member', async () => {
    const ok = await get(reviewer, `/api/proposals/${proposal.id}/events`);
    expect(ok.status).toBe(200);
    expect(ok.contentType).toMatch(/^text\/event-stream/);
    const stranger = await get(outsider, `/api/proposals/${proposal.id}/events`);
    expect(stranger.contentType).toMatch(/^application\/json/);
  });

  it('HDL4: a snapshot of another proposal is a 404 (Snapshot) on the changes routes, even for a member of both', async () => {
    const other = await createProposal(coordinator, { title: 'Second proposal' });
    const snap = await coordinator.post(`/api/proposals/${other.id}/snapshots`, { name: 'Other draft' });
    const foreign = snapshotResponseSchema.parse(snap.body).snapshot.id;
    for (const path of [`/api/proposals/${proposal.id}/changes?since=${foreign}`, `/api/sections/${sectionId}/changes?since=${foreign}`]) {
      const res = await get(coordinator, path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', params: { what: 'snapshot' } } });
    }
  });
});

describe('HDL: the export command', () => {
  /** The proposal's `proposal.exported` events, newest first, read from the database. */
  async function exportedEvents(): Promise<{ actorId: string | null; data: unknown }[]> {
    return server.database.db.query<{ actorId: string | null; data: unknown }>(
      `select actor_id as "actorId", data from audit_events where proposal_id = $1 and action = 'proposal.exported' order by id desc`,
      [proposal.id],
    );
  }

  it('HDL5: every export writes exactly one proposal.exported event by the exporter with {format, notes, sections, chars}; preflight and refused exports write none', async () => {
    const writer = stockClient(server.url, sectionId, { cookie: coordinator.cookie });
    try {
      await waitFor(() => writer.provider.synced, 10_000, 'writer sync');
      typeParagraph(writer, 'Four towns, one network of young people.');
      await waitFor(
        async () => preflightResponseSchema.parse((await get(coordinator, `/api/proposals/${proposal.id}/export/preflight`)).body).totalChars > 0,
        10_000,
        'the paragraph to be stored',
        50,
      );
    } finally {
      writer.destroy();
    }
    const pre = preflightResponseSchema.parse((await get(reviewer, `/api/proposals/${proposal.id}/export/preflight`)).body);
    expect(pre.totalChars).toBe('Four towns, one network of young people.'.length);

    const before = (await exportedEvents()).length;
    // Refused: no session, a bad format, a non-member, an unknown id.
    expect((await get(null, `/api/proposals/${proposal.id}/export?format=md`)).status).toBe(401);
    expect((await get(reviewer, `/api/proposals/${proposal.id}/export?format=pdf`)).status).toBe(400);
    expect((await get(outsider, `/api/proposals/${proposal.id}/export?format=md`)).status).toBe(404);
    expect((await get(coordinator, `/api/proposals/${unknownId}/export?format=md`)).status).toBe(404);
    expect((await get(reviewer, `/api/proposals/${proposal.id}/export/preflight`)).status).toBe(200);
    expect(await exportedEvents()).toHaveLength(before);

    const asked = [
      { client: reviewer, format: 'docx', notes: false },
      { client: coordinator, format: 'md', notes: true },
      { client: reviewer, format: 'html', notes: false },
    ] as const;
    for (const { client, format, notes } of asked) {
      const res = await get(client, `/api/proposals/${proposal.id}/export?format=${format}${notes ? '&notes=1' : ''}`);
      expect(res.status).toBe(200);
      const events = await exportedEvents();
      expect(events).toHaveLength(before + asked.findIndex((a) => a.format === format) + 1);
      expect(events[0]).toEqual({
        actorId: client.user.id,
        data: { format, notes, sections: proposal.sections.length, chars: pre.totalChars },
      });
    }
  });
});
