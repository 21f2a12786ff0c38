import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userResponseSchema } from '../../shared/schemas/auth';
import { proposalResponseSchema } from '../../shared/schemas/domain';
import { HOST_SESSION_COOKIE, SESSION_COOKIE } from '../../server/auth/session';
import { bologna } from '../helpers/factories';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { upgradeStatus } from '../helpers/yclient';

const publicOrigin = 'https://twinpad.example';
let server: TestServer;
beforeAll(async () => { server = await startTestServer({ PUBLIC_ORIGIN: publicOrigin }); });
afterAll(async () => { await server.stop(); });

const sessionCookie = (headers: Headers) => headers.getSetCookie().find((c) => c.startsWith(`${HOST_SESSION_COOKIE}=`));
const attributes = (cookie: string) => cookie.split(';').slice(1).map((a) => a.trim().split('=')[0]?.toLowerCase());

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

describe('the session cookie name', () => {
  it('SEC21: under https the cookie is __Host-twinpad_session: Secure, Path=/, no Domain; only that name is read, by the API and the WebSocket upgrade', async () => {
    expect(HOST_SESSION_COOKIE).toBe(`__Host-${SESSION_COOKIE}`);
    const client = new ApiClient(server.url, publicOrigin);
    const res = await client.post('/api/auth/signup', { email: 'host@helsinki.example.fi', password: 'Helsinki 2011 meeting', name: 'H' });
    expect(res.status).toBe(201);
    const cookies = res.headers.getSetCookie();
    expect(cookies.filter((c) => c.startsWith(`${SESSION_COOKIE}=`))).toEqual([]);
    const cookie = sessionCookie(res.headers) ?? '';
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
    expect(attributes(cookie)).toContain('secure');
    expect(attributes(cookie)).not.toContain('domain');
    expect((await client.get('/api/me')).status).toBe(200);

    const token = (client.cookie ?? '').slice(`${HOST_SESSION_COOKIE}=`.length);
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const plainName = new ApiClient(server.url, publicOrigin);
    plainName.cookie = `${SESSION_COOKIE}=${token}`;
    expect((await plainName.get('/api/me')).status).toBe(401);

    const created = await client.post('/api/proposals', { title: 'Cookie check', leadPartner: bologna });
    expect(created.status).toBe(201);
    const section = proposalResponseSchema.parse(created.body).proposal.sections[0]?.id ?? '';
    expect(await upgradeStatus(server.url, section, `${HOST_SESSION_COOKIE}=${token}`, publicOrigin)).toBe(101);
    expect(await upgradeStatus(server.url, section, `${SESSION_COOKIE}=${token}`, publicOrigin)).toBe(401);
  });
});

describe('over plain http', () => {
  let plain: TestServer;
  beforeAll(async () => { plain = await startTestServer(); });
  afterAll(async () => { await plain.stop(); });

  it('SEC21: the cookie keeps the name twinpad_session, without Secure, and a __Host- cookie is not read', async () => {
    const client = new ApiClient(plain.url);
    const res = await client.post('/api/auth/signup', { email: 'plain@bologna.example.it', password: 'Bologna 2010 meeting', name: 'P' });
    expect(res.status).toBe(201);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    expect(cookie).not.toBe('');
    expect(attributes(cookie)).not.toContain('secure');
    expect(res.headers.getSetCookie().filter((c) => c.startsWith('__Host-'))).toEqual([]);
    const token = (client.cookie ?? '').slice(`${SESSION_COOKIE}=`.length);
    const hostName = new ApiClient(plain.url);
    hostName.cookie = `${HOST_SESSION_COOKIE}=${token}`;
    expect((await hostName.get('/api/me')).status).toBe(401);
    expect((await client.get('/api/me')).status).toBe(200);
  });
});
