import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../shared/schemas/common';
import { createProposal, signUp } from '../helpers/factories';
import { ApiClient, type JsonResponse } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { upgradeStatus } from '../helpers/yclient';

let server: TestServer;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.stop(); });

/** A request as a page on another site could send it: no Origin set by our client, headers as given. */
const raw = (method: string, path: string, body: string | undefined, headers: Record<string, string>) =>
  new ApiClient(server.url, null).request(method, path, body, headers);

function expectForbidden(res: JsonResponse): void {
  expect(res.status).toBe(403);
  expect(errorBodySchema.parse(res.body).error.code).toBe('foreign_origin');
}

describe('csrf', () => {
  it('SEC21: a form, multipart or text/plain body is refused with 403 unless Sec-Fetch-Site is same-origin or the Origin is ours', async () => {
    const bodies: Record<string, string> = {
      'application/x-www-form-urlencoded': 'email=a%40b.example&password=x',
      'multipart/form-data; boundary=x': '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n',
      'text/plain': '{"email":"a@b.example","password":"x"}',
    };
    for (const [type, body] of Object.entries(bodies)) {
      expectForbidden(await raw('POST', '/api/auth/logout', body, { 'content-type': type }));
      expectForbidden(await raw('POST', '/api/auth/logout', body, { 'content-type': type, 'sec-fetch-site': 'cross-site' }));
      expectForbidden(await raw('POST', '/api/auth/logout', body, { 'content-type': type, 'sec-fetch-site': 'same-site' }));
      expect((await raw('POST', '/api/auth/logout', body, { 'content-type': type, 'sec-fetch-site': 'same-origin' })).status).toBe(204);
      expect((await raw('POST', '/api/auth/logout', body, { 'content-type': type, origin: server.url })).status).toBe(204);
    }
  });

  it('SEC21: a foreign Origin is refused whatever the body; JSON or no body without an Origin passes', async () => {
    const json = { 'content-type': 'application/json' };
    expectForbidden(await raw('POST', '/api/auth/logout', '{}', { ...json, origin: 'https://evil.example' }));
    expectForbidden(await raw('POST', '/api/auth/logout', '{}', { ...json, origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }));
    expectForbidden(await raw('DELETE', '/api/comments/00000000-0000-4000-8000-000000000000', undefined, { origin: 'null' }));
    expect((await raw('POST', '/api/auth/logout', '{}', json)).status).toBe(204);
    expect((await raw('DELETE', '/api/comments/00000000-0000-4000-8000-000000000000', undefined, {})).status).toBe(401);
    // Safe methods are never refused.
    expect((await raw('GET', '/api/me', undefined, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(401);
  });

  it('SEC21: a WebSocket upgrade with a foreign Origin is refused with 403, with our own it opens', async () => {
    const user = await signUp(server);
    const proposal = await createProposal(user);
    const section = proposal.sections[0]?.id ?? '';
    expect(await upgradeStatus(server.url, section, user.cookie, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(server.url, section, user.cookie, server.url)).toBe(101);
  });
});
