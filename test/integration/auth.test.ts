import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../shared/schemas/common';
import { userResponseSchema, userColors, type User } from '../../shared/schemas/auth';
import { generateSessionToken, SESSION_COOKIE, sessionIdFromToken } from '../../server/auth/session';
import type { DomainEvent } from '../../server/events';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
const events: DomainEvent[] = [];
beforeAll(async () => {
  server = await startTestServer();
  server.ctx.events.subscribe((e) => events.push(e));
});
afterAll(async () => { await server.stop(); });

const password = 'Luleå meeting 2010!';
let seq = 0;
function newAccount(locale?: string) {
  seq += 1;
  return { email: `Person${seq}@Town${seq}.example.eu`, password, name: `Person ${seq}`, ...(locale ? { locale } : {}) };
}

async function signup(client: ApiClient, account = newAccount()): Promise<User> {
  const res = await client.post('/api/auth/signup', account);
  expect(res.status).toBe(201);
  return userResponseSchema.parse(res.body).user;
}

/** The session cookie a response set, as attribute name (lower case) to value. */
function sessionSetCookie(headers: Headers): Map<string, string> | null {
  const raw = headers.getSetCookie().filter((c) => c.startsWith(`${SESSION_COOKIE}=`)).at(-1);
  if (!raw) return null;
  const attrs = new Map<string, string>();
  raw.split(';').forEach((part, i) => {
    const [k = '', ...v] = part.trim().split('=');
    attrs.set(i === 0 ? 'value' : k.toLowerCase(), v.join('='));
  });
  return attrs;
}

const tokenOf = (client: ApiClient) => client.cookie?.slice(`${SESSION_COOKIE}=`.length) ?? '';

describe('signup, login, logout, me', () => {
  it('AUTH1: signup returns 201 {user} and sets an HttpOnly, SameSite=Lax session cookie, not Secure over http', async () => {
    const client = new ApiClient(server.url);
    const account = newAccount();
    const res = await client.post('/api/auth/signup', account);
    expect(res.status).toBe(201);
    const { user } = userResponseSchema.parse(res.body);
    expect(user).toMatchObject({ email: account.email.toLowerCase(), name: account.name, locale: 'en' });
    expect(userColors).toContain(user.color);
    expect(Object.keys(res.body as object)).toEqual(['user']);
    expect(Object.keys(user).sort()).toEqual(['color', 'email', 'id', 'locale', 'name']);

    const cookie = sessionSetCookie(res.headers);
    expect(cookie?.get('value')).toMatch(/^[a-z2-7]{32,}$/);
    expect(cookie?.has('httponly')).toBe(true);
    expect(cookie?.get('samesite')).toBe('Lax');
    expect(cookie?.get('path')).toBe('/');
    const maxAge = Number(cookie?.get('max-age'));
    expect(maxAge).toBeGreaterThan(30 * 24 * 60 * 60 - 5);
    expect(maxAge).toBeLessThanOrEqual(30 * 24 * 60 * 60);
    expect(cookie?.has('secure')).toBe(false);

    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(userResponseSchema.parse(me.body).user).toEqual(user);
  });

  it('AUTH1: a taken email (in any case) is a 409 conflict, and bad input is a 400', async () => {
    const account = newAccount();
    await signup(new ApiClient(server.url), account);
    const again = await new ApiClient(server.url).post('/api/auth/signup', { ...account, email: ` ${account.email.toUpperCase()} ` });
    expect(again.status).toBe(409);
    expect(errorBodySchema.parse(again.body).error.code).toBe('email_taken');
    const bad = await new ApiClient(server.url).post('/api/auth/signup', { ...newAccount(), password: 'short' });
    expect(bad.status).toBe(400);
    expect(errorBodySchema.parse(bad.body).error.field).toBe('password');
    const malformed = await new ApiClient(server.url).post('/api/auth/signup', '{"email":');
    expect(malformed.status).toBe(400);
  });

  it('AUTH2: login returns 200 {user} with a new token every time; logout returns 204 and the cookie stops working', async () => {
    const account = newAccount();
    const user = await signup(new ApiClient(server.url), account);
    const client = new ApiClient(server.url);
    const tokens = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await client.post('/api/auth/login', { email: account.email, password });
      expect(res.status).toBe(200);
      expect(userResponseSchema.parse(res.body).user).toEqual(user);
      tokens.add(tokenOf(client));
    }
    expect(tokens.size).toBe(3);

    const oldCookie = client.cookie;
    const sessionId = sessionIdFromToken(tokenOf(client));
    const before = events.length;
    const out = await client.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(sessionSetCookie(out.headers)?.get('max-age')).toBe('0');
    expect(client.cookie).toBeUndefined();
    expect(events.slice(before)).toContainEqual({ type: 'session.ended', userId: user.id, sessionId });

    const replay = new ApiClient(server.url);
    replay.cookie = oldCookie;
    expect((await replay.get('/api/me')).status).toBe(401);
  });

  it('AUTH3: /api/me is 401 without a cookie, with a forged or garbage token, and with an expired session', async () => {
    expect((await new ApiClient(server.url).get('/api/me')).status).toBe(401);
    const forged = new ApiClient(server.url);
    forged.cookie = `${SESSION_COOKIE}=${generateSessionToken()}`;
    const res = await forged.get('/api/me');
    expect(res.status).toBe(401);
    expect(errorBodySchema.parse(res.body).error.code).toBe('unauthenticated');
    const garbage = new ApiClient(server.url);
    garbage.cookie = `${SESSION_COOKIE}=' or 1=1 --`;
    expect((await garbage.get('/api/me')).status).toBe(401);

    const client = new ApiClient(server.url);
    await signup(client);
    expect((await client.get('/api/me')).status).toBe(200);
    await server.ctx.db.query(`update sessions set expires_at = now() - interval '1 minute' where id = $1`, [sessionIdFromToken(tokenOf(client))]);
    const expired = await client.get('/api/me');
    expect(expired.status).toBe(401);
    expect(sessionSetCookie(expired.headers)?.get('max-age')).toBe('0');
  });

  it('AUTH6: a session with 10 days left is extended to 30 days on use and the cookie is re-sent', async () => {
    const client = new ApiClient(server.url);
    await signup(client);
    const id = sessionIdFromToken(tokenOf(client));
    await server.ctx.db.query(`update sessions set expires_at = now() + interval '10 days' where id = $1`, [id]);
    const res = await client.get('/api/me');
    expect(res.status).toBe(200);
    const cookie = sessionSetCookie(res.headers);
    expect(Number(cookie?.get('max-age'))).toBeGreaterThan(29 * 24 * 60 * 60);
    const [row] = await server.ctx.db.query<{ expires_at: Date }>(`select expires_at from sessions where id = $1`, [id]);
    expect(row!.expires_at.getTime() - Date.now()).toBeGreaterThan(29 * 24 * 60 * 60 * 1000);

    const fresh = await client.get('/api/me');
    expect(fresh.status).toBe(200);
    expect(sessionSetCookie(fresh.headers)).toBeNull();
  });

  it('AUTH8: unknown email and wrong password get the same 401 error', async () => {
    const account = newAccount();
    await signup(new ApiClient(server.url), account);
    const wrong = await new ApiClient(server.url).post('/api/auth/login', { email: account.email, password: 'not the password' });
    const unknown = await new ApiClient(server.url).post('/api/auth/login', { email: 'nobody@nowhere.example.eu', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(sessionSetCookie(wrong.headers)).toBeNull();
  });

  it('AUTH9: changing the password needs the current one, keeps this session and ends every other one', async () => {
    const account = newAccount();
    const here = new ApiClient(server.url);
    const user = await signup(here, account);
    const elsewhere = new ApiClient(server.url);
    expect((await elsewhere.post('/api/auth/login', account)).status).toBe(200);
    const newPassword = 'Helsinki workshop 2011';

    const wrong = await here.post('/api/me/password', { currentPassword: 'not it at all', newPassword });
    expect(wrong.status).toBe(400);
    expect(errorBodySchema.parse(wrong.body).error.field).toBe('currentPassword');
    expect((await elsewhere.get('/api/me')).status).toBe(200);

    const before = events.length;
    const ok = await here.post('/api/me/password', { currentPassword: password, newPassword });
    expect(ok.status).toBe(200);
    expect(events.slice(before)).toContainEqual({ type: 'sessions.ended', userId: user.id, keepSessionId: sessionIdFromToken(tokenOf(here)) });
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    expect((await new ApiClient(server.url).post('/api/auth/login', account)).status).toBe(401);
    expect((await new ApiClient(server.url).post('/api/auth/login', { ...account, password: newPassword })).status).toBe(200);
  });

  it('AUTH11: the locale given at signup is stored and can be changed with PATCH /api/me', async () => {
    const client = new ApiClient(server.url);
    const user = await signup(client, newAccount('it'));
    expect(user.locale).toBe('it');
    const res = await client.patch('/api/me', { locale: 'sv', name: '  Ana Svensson ' });
    expect(res.status).toBe(200);
    expect(userResponseSchema.parse(res.body).user).toMatchObject({ locale: 'sv', name: 'Ana Svensson' });
    expect(userResponseSchema.parse((await client.get('/api/me')).body).user.locale).toBe('sv');
    const [row] = await server.ctx.db.query<{ locale: string }>(`select locale from users where id = $1`, [user.id]);
    expect(row?.locale).toBe('sv');
    expect((await client.patch('/api/me', { locale: 'xx' })).status).toBe(400);
    expect((await new ApiClient(server.url).patch('/api/me', { locale: 'fi' })).status).toBe(401);
  });
});

describe('origin check', () => {
  it('AUTH10: a non-GET request with a foreign Origin gets 403; no Origin, or our own, passes', async () => {
    const account = newAccount();
    await signup(new ApiClient(server.url), account);

    const foreign = new ApiClient(server.url, 'https://evil.example');
    const refused = await foreign.post('/api/auth/login', account);
    expect(refused.status).toBe(403);
    expect(errorBodySchema.parse(refused.body).error.code).toBe('foreign_origin');
    expect(foreign.cookie).toBeUndefined();
    expect((await new ApiClient(server.url, 'null').post('/api/auth/login', account)).status).toBe(403);

    const noOrigin = new ApiClient(server.url, null);
    expect((await noOrigin.post('/api/auth/login', account)).status).toBe(200);
    const own = new ApiClient(server.url);
    expect((await own.post('/api/auth/login', account)).status).toBe(200);
    const localhost = new ApiClient(server.url, `http://localhost:${server.port}`);
    expect((await localhost.post('/api/auth/login', account)).status).toBe(200);

    // A signed-in session does not make a foreign write pass; a foreign GET is not refused.
    foreign.cookie = own.cookie;
    expect((await foreign.patch('/api/me', { name: 'Mallory' })).status).toBe(403);
    expect((await foreign.get('/api/me')).status).toBe(200);
  });
});

describe('storage', () => {
  it('AUTH4, AUTH5: neither tokens nor passwords appear in any column of users, sessions or login_failures', async () => {
    const account = { ...newAccount(), password: 'A very distinctive passphrase 42' };
    const client = new ApiClient(server.url);
    await signup(client, account);
    const tokens = [tokenOf(client)];
    await client.post('/api/auth/login', { email: account.email, password: 'wrong guess passphrase' });
    await client.post('/api/auth/login', account);
    tokens.push(tokenOf(client));
    expect(new Set(tokens).size).toBe(2);

    for (const table of ['users', 'sessions', 'login_failures']) {
      const dump = JSON.stringify(await server.ctx.db.query(`select * from ${table}`));
      for (const token of tokens) expect(dump).not.toContain(token);
      expect(dump).not.toContain(account.password);
      expect(dump).not.toContain('wrong guess passphrase');
    }
    const [row] = await server.ctx.db.query<{ password_hash: string }>(`select password_hash from users where email = $1`, [account.email.toLowerCase()]);
    expect(row?.password_hash).toMatch(/^scrypt\$17\$8\$1\$/);
    const ids = await server.ctx.db.query<{ id: string }>(`select id from sessions where id = any($1::text[])`, [tokens.map(sessionIdFromToken)]);
    expect(ids).toHaveLength(1); // the second login replaced the first session
  });
});
