import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposalResponseSchema } from '../../shared/schemas/domain';
import { ApiClient, type JsonResponse } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { addPartner, createProposal, invite, joinAs, lulea, signUp, type UserClient } from '../helpers/factories';

/**
 * API8/API9: every domain route gets malformed JSON, wrong types, missing
 * fields, 1 MB strings, SQL-injection and <script> strings. Each answer is a
 * 4xx with the error body, never a 5xx, never database error text, and the
 * domain tables are exactly as they were.
 */
let server: TestServer;
let coordinator: UserClient;
let ids: { proposal: string; partner: string; lead: string; section: string; invitation: string; member: string; token: string };

beforeAll(async () => {
  server = await startTestServer();
  coordinator = await signUp(server, { name: 'Coordinator' });
  const proposal = await createProposal(coordinator);
  const partner = await addPartner(coordinator, proposal.id, lulea);
  const { client } = await joinAs(server, coordinator, proposal.id, partner.id, 'editor');
  const pending = await invite(coordinator, proposal.id, partner.id, 'reviewer');
  ids = {
    proposal: proposal.id,
    partner: partner.id,
    lead: proposal.partners[0]!.id,
    section: proposal.sections[0]!.id,
    invitation: pending.id,
    member: client.user.id,
    token: pending.token,
  };
});
afterAll(async () => {
  await server?.stop();
});

const ONE_MB = 'x'.repeat(1024 * 1024);
const sqlStrings = [`' OR '1'='1`, `'; DROP TABLE proposals; --`, `1; SELECT pg_sleep(5)`, `" UNION SELECT password_hash FROM users --`, `1' AND 1=CAST((SELECT version()) AS int)--`];
const scriptStrings = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)'];
const oddStrings = ['\u0000', '', ' ', '../../etc/passwd', '%00', '😀'.repeat(50), '0', '-1', 'null', 'undefined', '{}'];
const hostileStrings = [...sqlStrings, ...scriptStrings, ...oddStrings];
const malformedJson = ['{', '{"title":', '{"a":1,}', "{'a':1}", 'nul', '[', '\u0000', '{"__proto__":{"admin":true}}', 'null', '[]', '"text"', '42', 'true'];
const dbErrorText = /syntax error|violates|relation "|duplicate key|invalid input syntax|out of range|column "|pg_catalog|postgres|PGlite|SQLSTATE|stack|at .*\.ts:/i;

/** How a field is valid, so every mutation below is guaranteed invalid. */
type FieldKind = 'uuid' | 'text' | 'country' | 'role' | 'status' | 'kind' | 'date' | 'nullableDate' | 'reasonObject' | 'intArray' | 'language';

function wrongValues(kind: FieldKind): unknown[] {
  const types: unknown[] = [123, -1, 1.5, true, false, [], {}, [1, 2], { $ne: null }];
  const nonNull = kind === 'nullableDate' || kind === 'reasonObject' ? [] : [null];
  switch (kind) {
    case 'text':
      // Free text may hold any printable string; only NUL, blanks, types and sizes are wrong.
      return [...types, ...nonNull, '', '   ', '\u0000', 'a\u0000b', ONE_MB];
    case 'intArray':
      return [123, true, {}, 'x', [-1], [1.5], ['0'], [null], ['<script>'], ONE_MB, ...nonNull];
    case 'reasonObject':
      // null clears a flag, so it is valid here; an empty or foreign object is not.
      return [123, true, [], 'x', {}, { reason: 1 }, { justification: 1 }, { reason: '' }, { justification: '' }, { other: 'x' }, ONE_MB];
    default:
      return [...types, ...nonNull, ...hostileStrings, ONE_MB, 'A'.repeat(10_000)];
  }
}

interface RouteSpec {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path with :params; each param is also fuzzed. */
  path: string;
  /** Body fields with their kinds, and a valid sample of the required ones. */
  fields?: Record<string, FieldKind>;
  required?: Record<string, unknown>;
  query?: string[];
  /** The code a well-formed value that names nothing known gets (400 on that field), per field. */
  unknownValueCodes?: Record<string, string>;
}

const routes: RouteSpec[] = [
  { name: 'create proposal', method: 'POST', path: '/proposals', fields: { title: 'text', templateId: 'text', theme: 'text', deadline: 'date', language: 'language', leadPartner: 'reasonObject' }, required: { title: 'T', leadPartner: { name: 'A', town: 'B', country: 'IT' } }, unknownValueCodes: { templateId: 'template_unknown', theme: 'theme_unknown' } },
  { name: 'get proposal', method: 'GET', path: '/proposals/:proposal' },
  { name: 'audit feed', method: 'GET', path: '/proposals/:proposal/audit', query: ['before', 'limit'] },
  { name: 'add partner', method: 'POST', path: '/proposals/:proposal/partners', fields: { name: 'text', town: 'text', country: 'country', kind: 'kind' }, required: { name: 'A', town: 'B', country: 'SE' } },
  { name: 'rename partner', method: 'PATCH', path: '/partners/:partner', fields: { name: 'text', town: 'text', country: 'country', kind: 'kind' } },
  { name: 'remove partner', method: 'DELETE', path: '/partners/:partner' },
  { name: 'list invitations', method: 'GET', path: '/proposals/:proposal/invitations' },
  { name: 'invite', method: 'POST', path: '/proposals/:proposal/invitations', fields: { partnerId: 'uuid', role: 'role' }, required: { partnerId: 'PARTNER', role: 'editor' } },
  { name: 'revoke invitation', method: 'DELETE', path: '/invitations/:invitation' },
  { name: 'preview invitation', method: 'GET', path: '/invitations/:token' },
  { name: 'accept invitation', method: 'POST', path: '/invitations/:token/accept' },
  { name: 'change member', method: 'PATCH', path: '/members/:proposal/:member', fields: { role: 'role', partnerId: 'uuid' } },
  { name: 'remove member', method: 'DELETE', path: '/members/:proposal/:member' },
  { name: 'get section', method: 'GET', path: '/sections/:section' },
  {
    name: 'patch section',
    method: 'PATCH',
    path: '/sections/:section',
    fields: { ownerPartnerId: 'uuid', status: 'status', dueDate: 'nullableDate', blocked: 'reasonObject', notApplicable: 'reasonObject', reason: 'text', checklist: 'intArray' },
  },
];

const paramValue = (name: string): string => {
  const key = name as keyof typeof ids;
  return ids[key];
};
const fill = (path: string, override?: { param: string; value: string }) =>
  '/api' + path.replace(/:([a-z]+)/g, (_, p: string) => (override && override.param === p ? encodeURIComponent(override.value) : paramValue(p)));
const resolveRequired = (req: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(req).map(([k, v]) => [k, v === 'PARTNER' ? ids.partner : v]));

/** Every domain table, in full: the "nothing changed" check. */
async function snapshot(): Promise<string> {
  const db = server.database.db;
  const tables = ['proposals', 'partners', 'members', 'sections', 'invitations', 'audit_events', 'users'];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = await db.query(`select * from ${t} order by 1`);
  return JSON.stringify(out);
}

async function send(client: ApiClient, method: string, path: string, body?: string): Promise<JsonResponse> {
  if (body !== undefined && body.length > 200_000) return sendLarge(client, method, path, body);
  return client.request(method, path, body, body === undefined ? {} : { 'content-type': 'application/json' });
}

/**
 * Over the body limit the server answers 413 from Content-Length alone, before
 * reading any of the body, and then drops the connection. Writing the body
 * would race that close (fetch reports "other side closed"), so this sends the
 * headers, waits for the answer, and only then hangs up. A server that waited
 * for the body would never answer, and the test would time out.
 */
function sendLarge(client: ApiClient, method: string, path: string, body: string): Promise<JsonResponse> {
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (client.cookie) headers.cookie = client.cookie;
  if (client.origin) headers.origin = client.origin;
  return new Promise((resolve, reject) => {
    const req = httpRequest(client.baseUrl + path, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        req.destroy();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* keep the text */
        }
        resolve({ status: res.statusCode ?? 0, headers: new Headers(), body: parsed });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET') reject(err);
    });
    req.flushHeaders();
  });
}

function assertRefused(res: JsonResponse, what: string): void {
  expect(res.status, `${what} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  expect(text, what).not.toMatch(dbErrorText);
  if (res.status !== 431) expect(res.body, what).toMatchObject({ error: { code: expect.any(String), params: expect.any(Object) } });
}

describe('bad input', () => {
  it('API8: rejects without session (401) on every route, whatever the input', async () => {
    const before = await snapshot();
    const anon = new ApiClient(server.url);
    for (const r of routes) {
      if (r.name === 'preview invitation') continue; // public by design: the token is the secret
      const res = await send(anon, r.method, fill(r.path), r.method === 'GET' || r.method === 'DELETE' ? undefined : `{"x":"${sqlStrings[1]}"}`);
      expect(res.status, r.name).toBe(401);
    }
    expect(await snapshot()).toBe(before);
  });

  it.each(routes.filter((r) => r.method === 'POST' || r.method === 'PATCH'))('API8: $name: malformed JSON and non-object bodies get 400', async (r) => {
    const before = await snapshot();
    for (const raw of malformedJson) {
      const res = await send(coordinator, r.method, fill(r.path), raw);
      assertRefused(res, `${r.name} ${JSON.stringify(raw)}`);
    }
    expect(await snapshot()).toBe(before);
  });

  it.each(routes.filter((r) => r.fields))('API8: $name: wrong types, missing fields, hostile and 1 MB values in every field get 4xx', async (r) => {
    const before = await snapshot();
    const base = resolveRequired(r.required);
    // Missing fields: an empty body, and each required field left out.
    assertRefused(await send(coordinator, r.method, fill(r.path), '{}'), `${r.name} {}`);
    for (const k of Object.keys(base)) {
      const { [k]: _dropped, ...rest } = base;
      assertRefused(await send(coordinator, r.method, fill(r.path), JSON.stringify(rest)), `${r.name} without ${k}`);
    }
    // Unknown fields are refused, not ignored.
    assertRefused(await send(coordinator, r.method, fill(r.path), JSON.stringify({ ...base, isAdmin: true })), `${r.name} unknown field`);
    for (const [field, kind] of Object.entries(r.fields ?? {})) {
      for (const value of wrongValues(kind)) {
        const body = JSON.stringify({ ...base, [field]: value });
        const res = await send(coordinator, r.method, fill(r.path), body);
        assertRefused(res, `${r.name} ${field}=${JSON.stringify(value).slice(0, 60)}`);
        // A malformed value is invalid_input on its field; a well-formed one that names nothing known has its own code.
        if (res.status === 400) {
          const { error } = res.body as { error: { code: string; field?: string } };
          if (error.code === 'invalid_input') expect(error.field, `${r.name} ${field}`).toBeDefined();
          else expect([error.code, error.field], `${r.name} ${field}`).toEqual([r.unknownValueCodes?.[field], field]);
        }
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it.each(routes)('API9: $name: hostile path parameters get 400 (or 404), never 500', async (r) => {
    const before = await snapshot();
    const params = [...r.path.matchAll(/:([a-z]+)/g)].map((m) => m[1]!);
    const body = r.method === 'POST' || r.method === 'PATCH' ? JSON.stringify(resolveRequired(r.required ?? { role: 'editor' })) : undefined;
    for (const param of params) {
      for (const value of [...sqlStrings, ...scriptStrings, '\u0000', '../..', '00000000-0000-0000-0000-00000000000g', 'A'.repeat(8_000), `${ids.proposal}' OR '1'='1`]) {
        const res = await send(coordinator, r.method, fill(r.path, { param, value }), body);
        assertRefused(res, `${r.name} :${param}=${value.slice(0, 40)}`);
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it('API9: the audit feed refuses hostile query values with 400', async () => {
    const before = await snapshot();
    const common = [...sqlStrings, ...scriptStrings, '-1', '0', '1.5', '1e400', '99999999999999999999', 'NaN', 'Infinity', '', 'A'.repeat(8_000)];
    for (const [key, values] of [['before', common], ['limit', [...common, '201', '1000']]] as const) {
      for (const value of values) {
        const res = await coordinator.get(`/api/proposals/${ids.proposal}/audit?${key}=${encodeURIComponent(value)}`);
        assertRefused(res, `audit ${key}=${value.slice(0, 40)}`);
        expect(res.status).toBe(400);
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it('API8: a 1 MB body is refused before it is parsed (413)', async () => {
    const before = await snapshot();
    for (const r of routes.filter((x) => x.method === 'POST' || x.method === 'PATCH')) {
      const res = await send(coordinator, r.method, fill(r.path), JSON.stringify({ ...resolveRequired(r.required), title: ONE_MB }));
      assertRefused(res, `${r.name} 1 MB`);
      expect(res.status).toBe(413);
    }
    expect(await snapshot()).toBe(before);
  });

  it('API8: SQL and <script> in free text are stored and returned verbatim as text, and every table survives', async () => {
    const title = `${sqlStrings[1]} ${scriptStrings[0]}`;
    const res = await coordinator.post('/api/proposals', { title, leadPartner: { name: sqlStrings[0], town: scriptStrings[1], country: 'it' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const { proposal } = proposalResponseSchema.parse(res.body);
    expect(proposal.title).toBe(title);
    expect(proposal.partners[0]).toMatchObject({ name: sqlStrings[0], town: scriptStrings[1], country: 'IT' });
    const again = proposalResponseSchema.parse((await coordinator.get(`/api/proposals/${proposal.id}`)).body).proposal;
    expect(again.title).toBe(title);
    const [{ n }] = (await server.database.db.query<{ n: number }>('select count(*)::int as n from proposals')) as [{ n: number }];
    expect(n).toBe(2);
  });
});

/** Every route that reads a JSON body, with a body it would accept. */
const jsonRoutes: { name: string; method: 'POST' | 'PATCH'; path: () => string; body: () => unknown; anonymous?: boolean }[] = [
  { name: 'signup', method: 'POST', path: () => '/auth/signup', body: () => ({ email: 'ct@example.test', password: 'correct horse battery', name: 'Ct' }), anonymous: true },
  { name: 'login', method: 'POST', path: () => '/auth/login', body: () => ({ email: 'ct@example.test', password: 'x' }), anonymous: true },
  { name: 'update me', method: 'PATCH', path: () => '/me', body: () => ({ name: 'Coordinator' }) },
  { name: 'change password', method: 'POST', path: () => '/me/password', body: () => ({ currentPassword: 'x', newPassword: 'correct horse battery' }) },
  { name: 'create proposal', method: 'POST', path: () => '/proposals', body: () => ({ title: 'T', leadPartner: { name: 'A', town: 'B', country: 'IT' } }) },
  { name: 'add partner', method: 'POST', path: () => `/proposals/${ids.proposal}/partners`, body: () => ({ name: 'A', town: 'B', country: 'SE' }) },
  { name: 'rename partner', method: 'PATCH', path: () => `/partners/${ids.partner}`, body: () => ({ name: 'A' }) },
  { name: 'invite', method: 'POST', path: () => `/proposals/${ids.proposal}/invitations`, body: () => ({ partnerId: ids.partner, role: 'editor' }) },
  { name: 'change member', method: 'PATCH', path: () => `/members/${ids.proposal}/${ids.member}`, body: () => ({ role: 'reviewer' }) },
  { name: 'patch section', method: 'PATCH', path: () => `/sections/${ids.section}`, body: () => ({ dueDate: '2026-05-01' }) },
  { name: 'comment', method: 'POST', path: () => `/sections/${ids.section}/comments`, body: () => ({ body: 'hello' }) },
  { name: 'edit comment', method: 'PATCH', path: () => `/comments/${ids.section}`, body: () => ({ body: 'hello' }) },
  { name: 'snapshot', method: 'POST', path: () => `/proposals/${ids.proposal}/snapshots`, body: () => ({ name: 'S' }) },
  { name: 'restore', method: 'POST', path: () => `/sections/${ids.section}/restore`, body: () => ({ snapshotId: ids.section }) },
  { name: 'start meeting', method: 'POST', path: () => `/proposals/${ids.proposal}/meetings`, body: () => ({ name: 'M', city: 'Luleå', date: '2026-05-01' }) },
  { name: 'meeting focus', method: 'POST', path: () => `/meetings/${ids.section}/focus`, body: () => ({ sectionId: null, scroll: 0 }) },
];

/** Content types that are not JSON, or JSON in a charset we do not read. */
const notJson = [
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/html',
  'application/xml',
  'application/jsonx',
  'application/json-patch+json',
  'application/json; charset=latin1',
  'json',
];

/** Sends `body` with exactly this Content-Type, or with none at all (bytes, so fetch adds none). */
async function sendAs(client: ApiClient, method: string, path: string, body: string, contentType: string | null): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (contentType !== null) headers['content-type'] = contentType;
  if (client.cookie) headers.cookie = client.cookie;
  if (client.origin) headers.origin = client.origin;
  const res = await fetch(client.baseUrl + path, { method, headers, body: new TextEncoder().encode(body), redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

describe('SEC23 content type', () => {
  it.each(jsonRoutes)('SEC23 $name: a body that is not application/json gets 415 unsupported_media_type, and nothing changes', async (r) => {
    const before = await snapshot();
    const client = r.anonymous ? new ApiClient(server.url) : coordinator;
    const body = JSON.stringify(r.body());
    for (const type of [...notJson, null]) {
      const res = await sendAs(client, r.method, `/api${r.path()}`, body, type);
      expect(res.status, `${r.name} as ${type}: ${JSON.stringify(res.body)}`).toBe(415);
      expect(res.body).toEqual({ error: { code: 'unsupported_media_type', params: {} } });
    }
    expect(await snapshot()).toBe(before);
  });

  it('SEC23 application/json is read with or without a UTF-8 charset, in any case', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;Charset="UTF-8"', 'application/json ; charset=utf-8']) {
      const res = await sendAs(coordinator, 'PATCH', `/api/sections/${ids.section}`, JSON.stringify({ dueDate: '2026-05-01' }), type);
      expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });

  it('SEC23 routes that take no body still work without one (no Content-Type at all)', async () => {
    const bare = (method: string, path: string) => coordinator.request(method, `/api${path}`);
    // A comment, deleted without a body.
    const comment = await coordinator.post(`/api/sections/${ids.section}/comments`, { body: 'to delete' });
    expect(comment.status).toBe(201);
    expect((await bare('DELETE', `/comments/${(comment.body as { comment: { id: string } }).comment.id}`)).status).toBe(204);
    // A meeting, ended without a body.
    const meeting = await coordinator.post(`/api/proposals/${ids.proposal}/meetings`, { name: 'M', city: 'Luleå', date: '2026-05-01' });
    expect(meeting.status).toBe(201);
    const ended = await bare('POST', `/meetings/${(meeting.body as { meeting: { id: string } }).meeting.id}/end`);
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    // An invitation accepted, and another revoked, without a body.
    const guest = await signUp(server, { name: 'Guest' });
    const toAccept = await invite(coordinator, ids.proposal, ids.partner, 'reviewer');
    const accepted = await guest.request('POST', `/api/invitations/${toAccept.token}/accept`);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const toRevoke = await invite(coordinator, ids.proposal, ids.partner, 'reviewer');
    expect((await bare('DELETE', `/invitations/${toRevoke.id}`)).status).toBe(204);
    // A member removed without a body.
    expect((await bare('DELETE', `/members/${ids.proposal}/${guest.user.id}`)).status).toBe(204);
    // Sign-out without a body.
    const leaving = await signUp(server, { name: 'Leaving' });
    expect((await leaving.request('POST', '/api/auth/logout')).status).toBe(204);
    expect((await leaving.get('/api/me')).status).toBe(401);
  });
});
