import { limits } from '../../shared/limits';
import type { Sql } from '../db/sql';
import { refusal, type AppError } from '../errors';

/**
 * Login and signup throttling, kept in Postgres (`login_failures`,
 * `signup_attempts`) rather than process memory so that it holds across
 * instances and restarts.
 *
 * An attempt is reserved BEFORE the password is hashed: one transaction takes
 * advisory locks on the account and the address, checks every rule and inserts
 * the attempt only when all pass. Concurrent attempts therefore queue on the
 * locks and each one sees the reservations before it, so no burst reaches
 * scrypt more often than the rules allow. A reserved login attempt counts as a
 * failure until the password turns out right (`loginSucceeded` removes it);
 * while it is pending it counts as failing now, and a wrong password
 * (`loginFailed`) stamps it with the time of the failure, so the back-off's
 * waits run from when each failure is known, however long the hash took.
 *
 * Login rules (limits.ts):
 * - back-off per (account, address): `loginFreeFailures` free, then waits of
 *   1 s, 2 s, 4 s ... capped at `loginBackoffMaxMs`, after the latest failure;
 * - per address across accounts (spraying): `loginFailuresPerIp` per `loginIpWindowMs`;
 * - per account across addresses: a ceiling of `loginFailuresPerAccount` per `loginAccountWindowMs`.
 * The account is the normalised email, whether or not it exists, so the throttle reveals nothing.
 */
export interface LoginKey {
  /** Normalised email. */
  account: string;
  /** Client address (see clientIp), or null when unknown (in-process requests): then it is one address of its own. */
  ip: string | null;
}

/** A login attempt that may go on to check the password; it counts as a failure until `loginSucceeded`. */
export interface LoginReservation {
  readonly id: number;
  readonly key: LoginKey;
}

/** A reservation still pending after this long was cut short (a crash): it counts as failed when it was made. */
const pendingForMs = 60_000;

const longestLoginWindowMs = Math.max(limits.loginBackoffWindowMs, limits.loginIpWindowMs, limits.loginAccountWindowMs);

/** The wait (ms) after the latest failure once (account, address) has `failures` of them in the back-off window. */
export function loginBackoffMs(failures: number): number {
  if (failures < limits.loginFreeFailures) return 0;
  const doublings = Math.min(failures - limits.loginFreeFailures, 30);
  return Math.min(limits.loginBackoffMaxMs, limits.loginBackoffBaseMs * 2 ** doublings);
}

const toSeconds = (waitMs: number) => (waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0);

/**
 * Milliseconds until a window rule allows one more: it is tripped when its
 * window holds `max` rows, and clears when the oldest of the most recent `max` leaves it.
 */
async function windowWaitMs(db: Sql, table: 'login_failures' | 'signup_attempts', column: 'account' | 'ip', value: string, max: number, windowMs: number, now: Date): Promise<number> {
  const rows = await db.query<{ at: Date }>(
    `select at from ${table} where ${column} = $1 and at > $2 order by at desc offset $3 limit 1`,
    [value, new Date(now.getTime() - windowMs), max - 1],
  );
  const at = rows[0]?.at;
  return at ? at.getTime() + windowMs - now.getTime() : 0;
}

/** Seconds until `key` may try to sign in, or 0 when it may try now. */
export async function loginRetryAfterSeconds(db: Sql, key: LoginKey, now: Date): Promise<number> {
  // An attempt still being checked counts as a failure that happens now: its wait starts when it fails.
  const [pair] = await db.query<{ failures: number; latest: Date | null }>(
    `select count(*)::int as failures, max(case when pending and at > $4 then $5 else at end) as latest from login_failures
     where account = $1 and ip is not distinct from $2 and at > $3`,
    [key.account, key.ip, new Date(now.getTime() - limits.loginBackoffWindowMs), new Date(now.getTime() - pendingForMs), now],
  );
  let waitMs = pair?.latest ? pair.latest.getTime() + loginBackoffMs(pair.failures) - now.getTime() : 0;
  waitMs = Math.max(waitMs, await windowWaitMs(db, 'login_failures', 'account', key.account, limits.loginFailuresPerAccount, limits.loginAccountWindowMs, now));
  if (key.ip !== null) {
    waitMs = Math.max(waitMs, await windowWaitMs(db, 'login_failures', 'ip', key.ip, limits.loginFailuresPerIp, limits.loginIpWindowMs, now));
  }
  return toSeconds(waitMs);
}

/** 429 `too_many_requests` with the wait in seconds, in the body (`retryAfter`) and in Retry-After. */
export function tooManyRequests(retryAfter: number): AppError {
  return refusal('too_many_requests', 'too_many_requests', { retryAfter }, { 'Retry-After': String(retryAfter) });
}

/** Serialises throttle decisions on one key across connections and instances, until the transaction ends. */
async function lockKey(tx: Sql, scope: string, value: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended($1::text, 0))::text as locked`, [`${scope}:${value}`]);
}

/**
 * Reserves one login attempt for `key`, or throws 429 with Retry-After. Call
 * before checking the password. Locks are always taken account first, then
 * address, so two reservations never wait on each other in a cycle.
 */
export async function reserveLoginAttempt(db: Sql, key: LoginKey, now: Date): Promise<LoginReservation> {
  const outcome = await db.transaction(async (tx): Promise<{ kind: 'refused'; retryAfter: number } | { kind: 'reserved'; id: number }> => {
    await lockKey(tx, 'login-account', key.account);
    if (key.ip !== null) await lockKey(tx, 'login-ip', key.ip);
    const retryAfter = await loginRetryAfterSeconds(tx, key, now);
    if (retryAfter > 0) return { kind: 'refused', retryAfter };
    const [row] = await tx.query<{ id: number }>(`insert into login_failures (account, ip, at, pending) values ($1, $2, $3, true) returning id`, [key.account, key.ip, now]);
    if (!row) throw new Error('login reservation returned no row');
    return { kind: 'reserved', id: Number(row.id) };
  });
  if (outcome.kind === 'refused') throw tooManyRequests(outcome.retryAfter);
  // Rows older than every window count for nothing; prune them as we go.
  await db.query(`delete from login_failures where at < $1`, [new Date(now.getTime() - longestLoginWindowMs)]);
  return { id: outcome.id, key };
}

/** The password was wrong: the reservation is a failure from now, when the back-off's wait starts. */
export async function loginFailed(db: Sql, reservation: LoginReservation, now: Date): Promise<void> {
  await db.query(`update login_failures set pending = false, at = $2 where id = $1`, [reservation.id, now]);
}

/**
 * The password was right: the reservation is not a failure, and the back-off of
 * this (account, address) starts afresh. Failures from other addresses still
 * count for theirs and for the account's ceiling, and this address keeps its
 * failures against other accounts, so signing in to one's own account cannot
 * reset a guessing run.
 */
export async function loginSucceeded(db: Sql, reservation: LoginReservation): Promise<void> {
  await db.query(`delete from login_failures where id = $1`, [reservation.id]);
  await db.query(`update login_failures set account = null where account = $1 and ip is not distinct from $2`, [
    reservation.key.account,
    reservation.key.ip,
  ]);
}

/** Seconds until `ip` may sign up again, or 0. */
export async function signupRetryAfterSeconds(db: Sql, ip: string, now: Date): Promise<number> {
  return toSeconds(await windowWaitMs(db, 'signup_attempts', 'ip', ip, limits.signupsPerIp, limits.signupIpWindowMs, now));
}

/**
 * Reserves one signup for the client address, or throws 429 with Retry-After.
 * Call before hashing the password: every signup counts, taken addresses (409) too.
 * In-process requests (no address) are not throttled.
 */
export async function reserveSignup(db: Sql, ip: string | null, now: Date): Promise<void> {
  if (ip === null) return;
  const retryAfter = await db.transaction(async (tx) => {
    await lockKey(tx, 'signup-ip', ip);
    const wait = await signupRetryAfterSeconds(tx, ip, now);
    if (wait === 0) await tx.query(`insert into signup_attempts (ip, at) values ($1, $2)`, [ip, now]);
    return wait;
  });
  if (retryAfter > 0) throw tooManyRequests(retryAfter);
  await db.query(`delete from signup_attempts where at < $1`, [new Date(now.getTime() - limits.signupIpWindowMs)]);
}
