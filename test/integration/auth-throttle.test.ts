import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { errorBodySchema } from '../../shared/schemas/common';
import { signUp } from '../helpers/factories';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.stop(); });

const password = 'La Coruña partners 2010';

const signup = (email: string) => signUp(server, { email, password, name: 'Throttled' });

const login = (email: string, pw: string) => new ApiClient(server.url).post('/api/auth/login', { email, password: pw });

function retryAfter(headers: Headers): number {
  return Number(headers.get('retry-after'));
}

describe('login throttle', () => {
  it('AUTH7: the 11th login after 10 wrong passwords in 15 minutes is a 429 with Retry-After, before the password is checked', async () => {
    const email = 'target@bologna.example.it';
    await signup(email);
    for (let i = 0; i < limits.loginFailuresPerAccount; i++) {
      expect((await login(email, `wrong guess ${i}`)).status).toBe(401);
    }
    const blocked = await login(email, 'wrong guess again');
    expect(blocked.status).toBe(429);
    expect(errorBodySchema.parse(blocked.body).error.code).toBe('too_many_requests');
    expect(retryAfter(blocked.headers)).toBeGreaterThan(14 * 60);
    expect(retryAfter(blocked.headers)).toBeLessThanOrEqual(15 * 60);
    // Even the right password is refused while blocked: the throttle comes first.
    const right = await login(email, password);
    expect(right.status).toBe(429);
    expect(right.headers.getSetCookie()).toEqual([]);

    // Once the failures are older than the window, the right password works and clears them.
    await server.ctx.db.query(`update login_failures set at = at - interval '15 minutes' where account = $1`, [email]);
    expect((await login(email, password)).status).toBe(200);
    expect(await server.ctx.db.query(`select id from login_failures where account = $1`, [email])).toHaveLength(0);
  });

  it('AUTH7: 30 failures from one IP in a minute block every login from it with 429 and Retry-After', async () => {
    const email = 'innocent@lulea.example.se';
    await signup(email);
    expect((await login('someone@else.example.eu', 'a wrong password')).status).toBe(401);
    const [first] = await server.ctx.db.query<{ ip: string | null }>(`select ip from login_failures where account = $1`, ['someone@else.example.eu']);
    const ip = first?.ip;
    expect(ip).toMatch(/^(127\.0\.0\.1|::1)$/);
    // 28 more failures from the same socket address, each for a different account (as a credential-stuffing run).
    await server.ctx.db.query(
      `insert into login_failures (account, ip, at) select 'stuffed' || g || '@x.example.eu', $1, now() from generate_series(1, $2::int) g`,
      [ip, limits.loginFailuresPerIp - 2],
    );
    expect((await login('one-more@x.example.eu', 'still wrong')).status).toBe(401);

    const blocked = await login(email, password);
    expect(blocked.status).toBe(429);
    expect(retryAfter(blocked.headers)).toBeGreaterThan(0);
    expect(retryAfter(blocked.headers)).toBeLessThanOrEqual(60);

    await server.ctx.db.query(`update login_failures set at = at - interval '1 minute' where ip = $1`, [ip]);
    expect((await login(email, password)).status).toBe(200);
  });
});
