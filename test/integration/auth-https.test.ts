import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userResponseSchema } from '../../shared/schemas/auth';
import { SESSION_COOKIE } from '../../server/auth/session';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';

const publicOrigin = 'https://twinpad.example';
let server: TestServer;
beforeAll(async () => { server = await startTestServer({ PUBLIC_ORIGIN: publicOrigin }); });
afterAll(async () => { await server.stop(); });

const sessionCookie = (headers: Headers) => headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));

describe('behind HTTPS', () => {
  it('AUTH1: with an https PUBLIC_ORIGIN the session cookie is Secure, HttpOnly and SameSite=Lax, also when cleared', async () => {
    const client = new ApiClient(server.url, publicOrigin);
    const res = await client.post('/api/auth/signup', { email: 'secure@helsinki.example.fi', password: 'Helsinki 2011 meeting', name: 'S' });
    expect(res.status).toBe(201);
    userResponseSchema.parse(res.body);
    const cookie = sessionCookie(res.headers) ?? '';
    expect(cookie).toMatch(/;\s*Secure(;|$)/);
    expect(cookie).toMatch(/;\s*HttpOnly(;|$)/);
    expect(cookie).toMatch(/;\s*SameSite=Lax(;|$)/);
    expect((await client.get('/api/me')).status).toBe(200);
    const out = await client.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(sessionCookie(out.headers)).toMatch(/Max-Age=0.*Secure|Secure.*Max-Age=0/);
  });

  it('AUTH10: only PUBLIC_ORIGIN is our own origin then: the bound http address counts as foreign', async () => {
    const res = await new ApiClient(server.url).post('/api/auth/signup', { email: 'x@helsinki.example.fi', password: 'Helsinki 2011 meeting', name: 'X' });
    expect(res.status).toBe(403);
  });
});
