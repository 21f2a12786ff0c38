import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { errorBodySchema } from '../../shared/schemas/common';
import { signUp } from '../helpers/factories';
import { ApiClient, type JsonResponse } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.stop(); });
beforeEach(async () => {
  await server.ctx.db.query('delete from login_failures');
  await server.ctx.db.query('delete from signup_attempts');
});

const password = 'La Coruña partners 2010';

const signup = (email: string) => signUp(server, { email, password, name: 'Throttled' });

const login = (email: string, pw: string, headers: Record<string, string> = {}) =>
  new ApiClient(server.url).request('POST', '/api/auth/login', { email, password: pw }, headers);

const hashes = async () => (await server.ctx.metrics.passwordHashes.get()).values[0]?.value ?? 0;

/** A 429 whose body is the code with the wait, and whose Retry-After header says the same. */
function expectTooMany(res: JsonResponse, seconds: number): void {
  expect(res.status).toBe(429);
  const body = res.body as { error: { code: string; params: { retryAfter: number } } };
  expect(errorBodySchema.parse(body).error.code).toBe('too_many_requests');
  expect(body.error.params.retryAfter).toBe(seconds);
  expect(res.headers.get('retry-after')).toBe(String(seconds));
}

describe('login throttle', () => {
  it('SEC17: 50 concurrent wrong-password logins for one account: exactly the free attempts reach scrypt, the rest get 429 with Retry-After', async () => {
    const email = 'raced@bologna.example.it';
    await signup(email);
    const before = await hashes();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => login(email, `concurrent guess ${i}`)));
    expect((await hashes()) - before).toBe(limits.loginFreeFailures);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(limits.loginFreeFailures);
    const refused = answers.filter((a) => a.status !== 401);
    expect(refused).toHaveLength(50 - limits.loginFreeFailures);
    for (const a of refused) expectTooMany(a, limits.loginBackoffBaseMs / 1000);
  });

  it('SEC19: 5 wrong passwords from one address get 401; the 6th attempt, even with the right password, waits 1 s without hashing', async () => {
    const email = 'target@bologna.example.it';
    await signup(email);
    for (let i = 0; i < limits.loginFreeFailures; i++) expect((await login(email, `wrong guess ${i}`)).status).toBe(401);
    const before = await hashes();
    const blocked = await login(email, password);
    expectTooMany(blocked, 1);
    expect(blocked.headers.getSetCookie()).toEqual([]);
    expect(await hashes()).toBe(before);

    // A second later (the failures moved back in time) the right password works and clears this address's back-off.
    await server.ctx.db.query(`update login_failures set at = at - interval '1 second' where account = $1`, [email]);
    expect((await login(email, password)).status).toBe(200);
    expect(await server.ctx.db.query(`select id from login_failures where account = $1`, [email])).toHaveLength(0);
  });

  it('SEC18: without TRUST_PROXY an X-Forwarded-For header is ignored: two claimed addresses count on the one peer address', async () => {
    const email = 'spoofer@bologna.example.it';
    await signup(email);
    for (let i = 0; i < limits.loginFreeFailures; i++) {
      expect((await login(email, `wrong guess ${i}`, { 'x-forwarded-for': `203.0.113.${i}` })).status).toBe(401);
    }
    expectTooMany(await login(email, password, { 'x-forwarded-for': '198.51.100.77' }), 1);
    const ips = await server.ctx.db.query<{ ip: string }>(`select distinct ip from login_failures where account = $1`, [email]);
    expect(ips.map((r) => r.ip)).toEqual(['127.0.0.1']);
  });
});

describe('signup throttle', () => {
  it('SEC20: the 30th signup from one address in 10 minutes passes, a taken address at the limit still gets 409, the next signup gets 429 without hashing', async () => {
    await server.ctx.db.query(
      `insert into signup_attempts (ip, at) select '127.0.0.1', now() from generate_series(1, $1::int)`,
      [limits.signupsPerIp - 2],
    );
    const client = new ApiClient(server.url);
    const account = { email: 'twenty-ninth@helsinki.example.fi', password, name: 'N' };
    expect((await client.post('/api/auth/signup', account)).status).toBe(201);
    const taken = await new ApiClient(server.url).post('/api/auth/signup', account);
    expect(taken.status).toBe(409);

    const before = await hashes();
    const refused = await new ApiClient(server.url).post('/api/auth/signup', { ...account, email: 'thirty-first@helsinki.example.fi' });
    expect(refused.status).toBe(429);
    const body = refused.body as { error: { code: string; params: { retryAfter: number } } };
    expect(body.error.code).toBe('too_many_requests');
    expect(body.error.params.retryAfter).toBeGreaterThan(limits.signupIpWindowMs / 1000 - 60);
    expect(body.error.params.retryAfter).toBeLessThanOrEqual(limits.signupIpWindowMs / 1000);
    expect(refused.headers.get('retry-after')).toBe(String(body.error.params.retryAfter));
    expect(await hashes()).toBe(before);
    expect(await server.ctx.db.query(`select id from users where email = $1`, ['thirty-first@helsinki.example.fi'])).toHaveLength(0);

    // Once the window has passed, signups from the address go on.
    await server.ctx.db.query(`update signup_attempts set at = at - interval '10 minutes'`);
    expect((await new ApiClient(server.url).post('/api/auth/signup', { ...account, email: 'later@helsinki.example.fi' })).status).toBe(201);
  });
});
