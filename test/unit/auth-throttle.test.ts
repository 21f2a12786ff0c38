import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { loginBackoffMs, loginFailed, loginRetryAfterSeconds, loginSucceeded, reserveLoginAttempt, reserveSignup, signupRetryAfterSeconds, type LoginKey } from '../../server/auth/throttle';
import { AppError } from '../../server/errors';
import { openTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
beforeAll(async () => { t = await openTestDatabase(); });
afterAll(async () => { await t.dispose(); });
beforeEach(async () => {
  await t.db.query('delete from login_failures');
  await t.db.query('delete from signup_attempts');
});

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

/** The refusal's Retry-After in seconds, or null when the reservation went through. */
async function refusedFor(reserve: Promise<unknown>): Promise<number | null> {
  const outcome = await reserve.then(() => null, (e: unknown) => e);
  if (outcome === null) return null;
  expect(outcome).toBeInstanceOf(AppError);
  const err = outcome as AppError;
  expect(err.kind).toBe('too_many_requests');
  expect(err.params.retryAfter).toBe(Number(err.headers['Retry-After']));
  return Number(err.headers['Retry-After']);
}

/** One attempt that reserves at `when` and fails at once; null when it went through, else its Retry-After. */
async function attempt(key: LoginKey, when: Date): Promise<number | null> {
  const reserving = reserveLoginAttempt(t.db, key, when);
  const refused = await refusedFor(reserving);
  if (refused === null) await loginFailed(t.db, await reserving, when);
  return refused;
}

async function seedFailures(key: LoginKey, count: number, when: Date): Promise<void> {
  await t.db.query(`insert into login_failures (account, ip, at) select $1, $2, $3 from generate_series(1, $4::int)`, [key.account, key.ip, when, count]);
}

describe('login reservation', () => {
  it('SEC17: 20 concurrent reservations for one account and address: exactly the free attempts go through, the rest are refused', async () => {
    const key = { account: 'raced@example.eu', ip: '203.0.113.50' };
    const now = new Date('2030-01-01T00:00:00Z');
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => refusedFor(reserveLoginAttempt(t.db, key, now))));
    expect(outcomes.filter((o) => o === null)).toHaveLength(limits.loginFreeFailures);
    expect(outcomes.filter((o) => o === limits.loginBackoffBaseMs / 1000)).toHaveLength(20 - limits.loginFreeFailures);
    const rows = await t.db.query(`select id from login_failures where account = $1`, [key.account]);
    expect(rows).toHaveLength(limits.loginFreeFailures);
  });
});

describe('login back-off by account and address', () => {
  it('SEC19: the wait doubles from 1 s after the free failures and stops at 5 minutes', () => {
    expect(loginBackoffMs(limits.loginFreeFailures - 1)).toBe(0);
    expect(loginBackoffMs(limits.loginFreeFailures)).toBe(1000);
    expect(loginBackoffMs(limits.loginFreeFailures + 1)).toBe(2000);
    expect(loginBackoffMs(limits.loginFreeFailures + 8)).toBe(256_000);
    expect(loginBackoffMs(limits.loginFreeFailures + 9)).toBe(limits.loginBackoffMaxMs);
    expect(loginBackoffMs(10_000)).toBe(limits.loginBackoffMaxMs);
  });

  it('SEC19: 5 failures pass; the 6th attempt waits 1 s after the latest, the 7th 2 s (simulated clock)', async () => {
    const key = { account: 'victim@example.eu', ip: '203.0.113.7' };
    const start = new Date('2030-01-02T00:00:00Z');
    for (let i = 0; i < limits.loginFreeFailures; i++) expect(await attempt(key, at(start, i))).toBeNull();
    const latest = limits.loginFreeFailures - 1;
    expect(await attempt(key, at(start, latest))).toBe(1);
    expect(await attempt(key, at(start, latest + 999))).toBe(1);
    expect(await attempt(key, at(start, latest + 1000))).toBeNull();
    // The 6th failed too: the next waits 2 s after it.
    expect(await attempt(key, at(start, latest + 2999))).toBe(1);
    expect(await attempt(key, at(start, latest + 1000))).toBe(2);
    expect(await attempt(key, at(start, latest + 3000))).toBeNull();
    // Failures older than the back-off window count for nothing.
    expect(await loginRetryAfterSeconds(t.db, key, at(start, latest + 3000 + limits.loginBackoffWindowMs))).toBe(0);
  });

  it('SEC17: a reservation still being checked counts as failing now; its wait starts when it fails (a pending one is dropped after a minute)', async () => {
    const key = { account: 'slow-hash@example.eu', ip: '203.0.113.12' };
    const start = new Date('2030-01-02T12:00:00Z');
    for (let i = 0; i < limits.loginFreeFailures - 1; i++) expect(await attempt(key, start)).toBeNull();
    const slow = await reserveLoginAttempt(t.db, key, start);
    // Ten seconds into its hash the back-off still waits a whole second from now.
    expect(await refusedFor(reserveLoginAttempt(t.db, key, at(start, 10_000)))).toBe(1);
    await loginFailed(t.db, slow, at(start, 12_000));
    expect(await loginRetryAfterSeconds(t.db, key, at(start, 12_500))).toBe(1);
    expect(await loginRetryAfterSeconds(t.db, key, at(start, 13_000))).toBe(0);
    // A reservation left pending (its process died) counts from when it was made once a minute has passed.
    const orphan = { account: 'orphan@example.eu', ip: '203.0.113.13' };
    for (let i = 0; i < limits.loginFreeFailures; i++) await reserveLoginAttempt(t.db, orphan, start);
    expect(await loginRetryAfterSeconds(t.db, orphan, at(start, 59_000))).toBe(1);
    expect(await loginRetryAfterSeconds(t.db, orphan, at(start, 60_000))).toBe(0);
  });

  it("SEC19: an attacker's failures do not slow the owner's own address, and the owner's success clears only their own back-off", async () => {
    const attacker = { account: 'coordinator@example.eu', ip: '203.0.113.66' };
    const owner = { account: 'coordinator@example.eu', ip: '198.51.100.2' };
    const now = new Date('2030-01-03T00:00:00Z');
    await seedFailures(attacker, 40, now);
    await seedFailures(owner, 2, now);
    expect(await refusedFor(reserveLoginAttempt(t.db, attacker, now))).toBe(limits.loginBackoffMaxMs / 1000);
    const reservation = await reserveLoginAttempt(t.db, owner, now);
    await loginSucceeded(t.db, reservation);
    expect(await t.db.query(`select id from login_failures where account = $1 and ip = $2`, [owner.account, owner.ip])).toHaveLength(0);
    expect(await refusedFor(reserveLoginAttempt(t.db, attacker, now))).toBe(limits.loginBackoffMaxMs / 1000);
    // The owner's own failures still count against their address for other accounts (spraying).
    expect(await t.db.query(`select id from login_failures where account is null and ip = $1`, [owner.ip])).toHaveLength(2);
  });

  it('SEC19: 30 failures from one address within a minute, across accounts, refuse its 31st; other addresses go on', async () => {
    const ip = '203.0.113.8';
    const start = new Date('2030-01-04T00:00:00Z');
    for (let i = 0; i < limits.loginFailuresPerIp - 1; i++) await seedFailures({ account: `sprayed${i}@example.eu`, ip }, 1, at(start, i * 100));
    const now = at(start, 5_000);
    expect(await refusedFor(reserveLoginAttempt(t.db, { account: 'thirtieth@example.eu', ip }, now))).toBeNull();
    expect(await refusedFor(reserveLoginAttempt(t.db, { account: 'thirty-first@example.eu', ip }, now))).toBe(55);
    expect(await refusedFor(reserveLoginAttempt(t.db, { account: 'thirty-first@example.eu', ip: '203.0.113.9' }, now))).toBeNull();
    expect(await refusedFor(reserveLoginAttempt(t.db, { account: 'thirty-first@example.eu', ip }, at(start, limits.loginIpWindowMs)))).toBeNull();
  });

  it('SEC19: an account takes 100 failures in 15 minutes from all addresses together; the 101st attempt waits', async () => {
    const account = 'ceiling@example.eu';
    const start = new Date('2030-01-05T00:00:00Z');
    for (let i = 0; i < limits.loginFailuresPerAccount - 1; i++) await seedFailures({ account, ip: `10.0.${Math.floor(i / 250)}.${i % 250}` }, 1, start);
    const now = at(start, 60_000);
    expect(await refusedFor(reserveLoginAttempt(t.db, { account, ip: '10.1.0.1' }, now))).toBeNull();
    expect(await refusedFor(reserveLoginAttempt(t.db, { account, ip: '10.1.0.2' }, now))).toBe((limits.loginAccountWindowMs - 60_000) / 1000);
    expect(await refusedFor(reserveLoginAttempt(t.db, { account, ip: '10.1.0.2' }, at(start, limits.loginAccountWindowMs)))).toBeNull();
  });
});

describe('signup throttle', () => {
  it('SEC20: 30 signups from one address in 10 minutes pass; the 31st waits for the oldest to leave the window', async () => {
    const ip = '192.0.2.10';
    const start = new Date('2030-01-06T00:00:00Z');
    for (let i = 0; i < limits.signupsPerIp; i++) expect(await refusedFor(reserveSignup(t.db, ip, at(start, i * 1000)))).toBeNull();
    const now = at(start, 60_000);
    expect(await refusedFor(reserveSignup(t.db, ip, now))).toBe((limits.signupIpWindowMs - 60_000) / 1000);
    expect(await refusedFor(reserveSignup(t.db, '192.0.2.11', now))).toBeNull();
    expect(await signupRetryAfterSeconds(t.db, ip, at(start, limits.signupIpWindowMs))).toBe(0);
    expect(await refusedFor(reserveSignup(t.db, ip, at(start, limits.signupIpWindowMs)))).toBeNull();
  });

  it('SEC20: in-process signups (no address) are not throttled', async () => {
    const now = new Date('2030-01-07T00:00:00Z');
    for (let i = 0; i <= limits.signupsPerIp; i++) await reserveSignup(t.db, null, now);
    expect(await t.db.query('select id from signup_attempts')).toHaveLength(0);
  });
});
