import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { assertLoginAllowed, clearLoginFailures, loginRetryAfterSeconds, recordLoginFailure } from '../../server/auth/throttle';
import { AppError } from '../../server/errors';
import { openTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
beforeAll(async () => { t = await openTestDatabase(); });
afterAll(async () => { await t.dispose(); });

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

describe('login throttle', () => {
  it('AUTH7: the 10th failure for an account within 15 minutes blocks it until the oldest leaves the window', async () => {
    const key = { account: 'victim@example.eu', ip: null };
    const start = new Date('2030-01-01T00:00:00Z');
    for (let i = 0; i < limits.loginFailuresPerAccount - 1; i++) await recordLoginFailure(t.db, key, at(start, i * 1000));
    const afterNine = at(start, 60_000);
    expect(await loginRetryAfterSeconds(t.db, key, afterNine)).toBe(0);

    await recordLoginFailure(t.db, key, afterNine);
    expect(await loginRetryAfterSeconds(t.db, key, afterNine)).toBe((limits.loginAccountWindowMs - 60_000) / 1000);
    const err = await assertLoginAllowed(t.db, key, afterNine).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe('too_many_requests');
    expect((err as AppError).headers['Retry-After']).toBe(String((limits.loginAccountWindowMs - 60_000) / 1000));

    // Other accounts are not affected; the blocked one recovers once the first failure is 15 minutes old.
    expect(await loginRetryAfterSeconds(t.db, { account: 'other@example.eu', ip: null }, afterNine)).toBe(0);
    expect(await loginRetryAfterSeconds(t.db, key, at(start, limits.loginAccountWindowMs))).toBe(0);
  });

  it('AUTH7: 30 failures from one IP within a minute block that IP, whatever the account', async () => {
    const start = new Date('2030-02-01T00:00:00Z');
    for (let i = 0; i < limits.loginFailuresPerIp; i++) {
      await recordLoginFailure(t.db, { account: `guess${i}@example.eu`, ip: '203.0.113.7' }, at(start, i * 100));
    }
    const now = at(start, 5_000);
    expect(await loginRetryAfterSeconds(t.db, { account: 'fresh@example.eu', ip: '203.0.113.7' }, now)).toBe(55);
    expect(await loginRetryAfterSeconds(t.db, { account: 'fresh@example.eu', ip: '203.0.113.8' }, now)).toBe(0);
    expect(await loginRetryAfterSeconds(t.db, { account: 'fresh@example.eu', ip: '203.0.113.7' }, at(start, 60_000))).toBe(0);
  });

  it('AUTH7: a successful login clears the account failures but not the IP count', async () => {
    const start = new Date('2030-03-01T00:00:00Z');
    const key = { account: 'owner@example.eu', ip: '198.51.100.1' };
    for (let i = 0; i < limits.loginFailuresPerIp; i++) await recordLoginFailure(t.db, key, at(start, i * 10));
    const now = at(start, 1_000);
    // The account's rule: the wait ends a window after its tenth most recent failure (at (30 - 10) × 10 ms).
    const tenthLatest = (limits.loginFailuresPerIp - limits.loginFailuresPerAccount) * 10;
    expect(await loginRetryAfterSeconds(t.db, { account: key.account, ip: null }, now)).toBe(Math.ceil((tenthLatest + limits.loginAccountWindowMs - 1_000) / 1000));
    await clearLoginFailures(t.db, key.account);
    expect(await loginRetryAfterSeconds(t.db, { account: key.account, ip: null }, now)).toBe(0);
    // The IP's rule still holds: a window after its oldest failure (at 0 ms).
    expect(await loginRetryAfterSeconds(t.db, key, now)).toBe(Math.ceil((limits.loginIpWindowMs - 1_000) / 1000));
  });
});
