import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { signUp } from '../helpers/factories';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';

// The test client connects from 127.0.0.1: here it plays the reverse proxy.
let server: TestServer;
beforeAll(async () => { server = await startTestServer({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }); });
afterAll(async () => { await server.stop(); });

const password = 'Luleå meeting 2010 notes';

const loginVia = (forwardedFor: string, email: string, pw: string) =>
  new ApiClient(server.url).request('POST', '/api/auth/login', { email, password: pw }, { 'x-forwarded-for': forwardedFor });

const failureIps = async (email: string) =>
  (await server.ctx.db.query<{ ip: string }>(`select ip from login_failures where account = $1 order by id`, [email])).map((r) => r.ip);

describe('behind a trusted proxy', () => {
  it("SEC18, SEC19: two client addresses are throttled apart: an attacker's back-off never reaches the owner's address", async () => {
    const email = 'coordinator@lulea.example.se';
    await signUp(server, { email, password, name: 'Owner' });
    for (let i = 0; i < limits.loginFreeFailures; i++) expect((await loginVia('203.0.113.9', email, `guess ${i}`)).status).toBe(401);
    const blocked = await loginVia('203.0.113.9', email, password);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('1');
    expect(await failureIps(email)).toEqual(Array.from({ length: limits.loginFreeFailures }, () => '203.0.113.9'));

    // The owner, through the same proxy from another address, signs in at once.
    expect((await loginVia('198.51.100.20', email, password)).status).toBe(200);
  });

  it('SEC18: the client is the right-most address that is not a trusted proxy; forged entries to its left are ignored', async () => {
    const email = 'chain@lulea.example.se';
    // A forged left-most entry, the real client, then a second trusted proxy (10.0.0.0/8).
    expect((await loginVia('192.0.2.1, 203.0.113.44, 10.1.2.3', email, 'not the password')).status).toBe(401);
    // IPv6 and IPv4-mapped clients are read too.
    expect((await loginVia('2001:db8::7', email, 'not the password')).status).toBe(401);
    expect((await loginVia('::ffff:203.0.113.45', email, 'not the password')).status).toBe(401);
    // A malformed entry ends the walk at the last trusted hop: the proxy itself.
    expect((await loginVia('203.0.113.46, not-an-address', email, 'not the password')).status).toBe(401);
    expect(await failureIps(email)).toEqual(['203.0.113.44', '2001:db8::7', '203.0.113.45', '127.0.0.1']);
  });
});
