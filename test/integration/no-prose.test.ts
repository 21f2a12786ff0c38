import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../../shared/error-codes';
import { catalogues } from '../../shared/i18n';
import { limits } from '../../shared/limits';
import { seedWorkshop, signUp, testPassword, type Workshop } from '../helpers/factories';
import { ApiClient, type JsonResponse } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { rawUpgrade } from '../helpers/yclient';

let server: TestServer;
let world: Workshop;
beforeAll(async () => {
  server = await startTestServer();
  world = await seedWorkshop(server);
});
afterAll(async () => {
  await server.stop();
});

/** Something that reads as an English sentence: a capitalised word followed by a lower-case one. */
const englishSentence = /[A-Z][a-z]+ [a-z]+ /;

/**
 * I18N6: the body is exactly `{ error: { code, params, field? } }`; the code is listed
 * and has a message; params are numbers or machine tokens; no string reads as prose.
 */
function expectCodeOnly(res: { status: number; body: unknown }, status: number, code: string): Record<string, unknown> {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const body = res.body as { error?: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  const error = body.error ?? {};
  expect(Object.keys(error).filter((k) => !['code', 'params', 'field'].includes(k))).toEqual([]);
  expect(error.code).toBe(code);
  expect((errorCodes as readonly unknown[]).includes(error.code)).toBe(true);
  expect(Object.keys(catalogues.en)).toContain(`error.code.${code}`);
  expect(typeof error.params).toBe('object');
  for (const [name, value] of Object.entries(error.params as Record<string, unknown>)) {
    expect(typeof value === 'number' || typeof value === 'string', name).toBe(true);
    if (typeof value === 'string') expect(value, name).not.toMatch(/\s\w+\s/);
  }
  if ('field' in error) expect(typeof error.field).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(englishSentence);
  return error;
}

const anonymous = () => new ApiClient(server.url);

describe('I18N6 the server sends codes, never English prose', () => {
  it('I18N6 401: no session, and a wrong password', async () => {
    expectCodeOnly(await anonymous().get('/api/proposals'), 401, 'unauthenticated');
    const { coordinator } = world;
    const wrong = await anonymous().post('/api/auth/login', { email: coordinator.user.email, password: 'not the password at all' });
    expectCodeOnly(wrong, 401, 'bad_credentials');
  });

  it('I18N6 400: malformed JSON, a field the schema refuses (zod issue code, not its message), and a wrong current password', async () => {
    const { coordinator } = world;
    const badJson = await coordinator.request('POST', '/api/proposals', '{"title": ', { 'content-type': 'application/json' });
    expect(expectCodeOnly(badJson, 400, 'invalid_json').field).toBe('body');
    const tooLong = await coordinator.post('/api/proposals', { title: 'x'.repeat(100_000), leadPartner: { name: 'A', town: 'B', country: 'IT' } });
    const error = expectCodeOnly(tooLong, 400, 'invalid_input');
    expect(error.field).toBe('title');
    expect(error.params).toEqual({ field: 'title', issue: 'too_big' });
    const missing = await coordinator.post('/api/proposals', {});
    expect((expectCodeOnly(missing, 400, 'invalid_input').params as { issue: string }).issue).toBe('invalid_type');
    const badId = await coordinator.get('/api/proposals/not-a-uuid');
    expectCodeOnly(badId, 400, 'invalid_input');
    const password = await coordinator.post('/api/me/password', { currentPassword: 'wrong wrong wrong', newPassword: 'a new password of ours' });
    expect(expectCodeOnly(password, 400, 'wrong_password').field).toBe('currentPassword');
  });

  it('I18N6 403: a reviewer who may not assign, and a cross-site write', async () => {
    const section = world.proposal.sections[0];
    if (!section) throw new Error('no section');
    const refused = await world.reviewer.patch(`/api/sections/${section.id}`, { dueDate: '2030-01-01' });
    expectCodeOnly(refused, 403, 'forbidden');
    const foreign = await world.coordinator.request('POST', '/api/proposals', { title: 'x' }, { origin: 'https://evil.example' });
    expectCodeOnly(foreign, 403, 'foreign_origin');
  });

  it('I18N6 404: an unknown proposal names what is missing as a token; an unknown endpoint too', async () => {
    const missing = await world.coordinator.get(`/api/proposals/${randomUUID()}`);
    expect(expectCodeOnly(missing, 404, 'not_found').params).toEqual({ what: 'proposal' });
    const stranger = await signUp(server);
    const notMember = await stranger.get(`/api/proposals/${world.proposal.id}`);
    expect(expectCodeOnly(notMember, 404, 'not_found').params).toEqual({ what: 'proposal' });
    expect(expectCodeOnly(await world.coordinator.get('/api/no-such-thing'), 404, 'not_found').params).toEqual({ what: 'endpoint' });
  });

  it('I18N6 409: a workflow step the section cannot take, with both statuses as tokens; an e-mail already taken', async () => {
    const section = world.proposal.sections[0];
    if (!section) throw new Error('no section');
    const jump = await world.coordinator.patch(`/api/sections/${section.id}`, { status: 'final' });
    const error = expectCodeOnly(jump, 409, 'status_transition');
    expect(error.params).toEqual({ from: section.status, to: 'final' });
    const taken = await anonymous().post('/api/auth/signup', { email: world.coordinator.user.email, password: testPassword, name: 'Twice' });
    expectCodeOnly(taken, 409, 'email_taken');
  });

  it('I18N6 413 and 415: a body over the limit, and a body that is not JSON', async () => {
    const big = await world.coordinator.request('POST', '/api/proposals', JSON.stringify({ title: 'x'.repeat(300 * 1024) }), {
      // The server answers before reading the whole body, then closes: not a connection to reuse.
      connection: 'close',
    });
    expectCodeOnly(big, 413, 'payload_too_large');
    const text = await world.coordinator.request('POST', '/api/proposals', 'title=x', { 'content-type': 'text/plain' });
    expectCodeOnly(text, 415, 'unsupported_media_type');
  });

  it('I18N6 429: the login throttle tells the wait as a number', async () => {
    const user = await signUp(server, { email: 'throttled@example.org' });
    let last: JsonResponse | undefined;
    for (let i = 0; i <= limits.loginFreeFailures + 1; i++) {
      last = await anonymous().post('/api/auth/login', { email: user.user.email, password: `wrong guess number ${i}` });
      if (last.status === 429) break;
    }
    if (!last) throw new Error('no answer');
    const error = expectCodeOnly(last, 429, 'too_many_requests');
    expect(typeof (error.params as { retryAfter: unknown }).retryAfter).toBe('number');
  });

  it('I18N6 WebSocket upgrade refusals: no session (401), a foreign Origin (403), an unknown section (404)', async () => {
    const section = world.proposal.sections[0];
    if (!section) throw new Error('no section');
    const answer = async (path: string, headers: Record<string, string | undefined>) => {
      const exchange = await rawUpgrade(server.url, path, headers);
      return { status: exchange.status, body: JSON.parse(exchange.after.toString('utf8')) as unknown };
    };
    expectCodeOnly(await answer(`/collab/${section.id}`, { Origin: server.url }), 401, 'no_session');
    expectCodeOnly(await answer(`/collab/${section.id}`, { Origin: 'https://evil.example', Cookie: world.coordinator.cookie }), 403, 'foreign_origin');
    expectCodeOnly(await answer(`/collab/${randomUUID()}`, { Origin: server.url, Cookie: world.coordinator.cookie }), 404, 'section_not_found');
  });
});
