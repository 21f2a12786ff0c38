import { limits } from '../../shared/limits';
import type { Sql } from '../db/sql';
import { AppError } from '../errors';

/**
 * Login throttling, kept in Postgres (`login_failures`) rather than process
 * memory so that it holds across instances and restarts. A failure is recorded
 * under both the account (the normalised email, whether or not it exists, so
 * the throttle reveals nothing) and the client IP.
 */
export interface LoginKey {
  /** Normalised email. */
  account: string;
  /** Client IP, or null when unknown (in-process requests): then only the account limit applies. */
  ip: string | null;
}

interface Rule {
  column: 'account' | 'ip';
  max: number;
  windowMs: number;
}

const rules: readonly Rule[] = [
  { column: 'account', max: limits.loginFailuresPerAccount, windowMs: limits.loginAccountWindowMs },
  { column: 'ip', max: limits.loginFailuresPerIp, windowMs: limits.loginIpWindowMs },
];

const longestWindowMs = Math.max(...rules.map((r) => r.windowMs));

/**
 * Seconds until `key` may try again, or 0 when it may try now. A rule is
 * tripped when its window holds `max` failures; it clears when the oldest of
 * the most recent `max` leaves the window.
 */
export async function loginRetryAfterSeconds(db: Sql, key: LoginKey, now: Date): Promise<number> {
  let waitMs = 0;
  for (const rule of rules) {
    const value = key[rule.column];
    if (value === null) continue;
    const since = new Date(now.getTime() - rule.windowMs);
    // The max-th most recent failure inside the window exists only when the rule is tripped.
    const rows = await db.query<{ at: Date }>(
      `select at from login_failures where ${rule.column} = $1 and at > $2
       order by at desc offset $3 limit 1`,
      [value, since, rule.max - 1],
    );
    const at = rows[0]?.at;
    if (at) waitMs = Math.max(waitMs, at.getTime() + rule.windowMs - now.getTime());
  }
  return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0;
}

/** Throws 429 with Retry-After when `key` is throttled. Call before checking the password. */
export async function assertLoginAllowed(db: Sql, key: LoginKey, now: Date): Promise<void> {
  const retryAfter = await loginRetryAfterSeconds(db, key, now);
  if (retryAfter > 0) {
    throw new AppError('too_many_requests', 'Too many failed sign-in attempts. Try again later.', {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}

export async function recordLoginFailure(db: Sql, key: LoginKey, now: Date): Promise<void> {
  await db.query(`insert into login_failures (account, ip, at) values ($1, $2, $3)`, [key.account, key.ip, now]);
  // Rows older than every window count for nothing; prune them as we go.
  await db.query(`delete from login_failures where at < $1`, [new Date(now.getTime() - longestWindowMs)]);
}

/**
 * A successful login clears the account's failures. They still count against
 * the IP, so signing in to one's own account cannot reset a guessing run from that address.
 */
export async function clearLoginFailures(db: Sql, account: string): Promise<void> {
  await db.query(`update login_failures set account = null where account = $1`, [account]);
}
