import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { randomBytes } from 'node:crypto';
import { limits } from '../../shared/limits';
import type { Locale } from '../../shared/schemas/common';
import type { Sql } from '../db/sql';
import {
  deleteExpiredUserSessions,
  deleteSession,
  deleteUserSessions,
  findSessionWithUser,
  insertSession,
  updateSessionExpiry,
} from '../db/sessions';

/**
 * Sessions as in the Lucia guide, implemented directly: a random token goes to
 * the browser in a cookie, and only its SHA-256 is stored as the session id, so
 * a leaked sessions table cannot be replayed.
 */

/** The signed-in user as every request and socket sees it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  locale: Locale;
  color: string;
}

export interface Session {
  /** SHA-256 (lower-case hex) of the token. */
  id: string;
  userId: string;
  expiresAt: Date;
}

/** The session cookie's name over plain http (development, tests) ... */
export const SESSION_COOKIE = 'twinpad_session';
/**
 * ... and under https: the `__Host-` prefix makes browsers accept it only when
 * Secure, with Path=/ and no Domain, so a sibling subdomain cannot plant or shadow it.
 */
export const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The cookie name for a server whose public origin is `publicOrigin`. */
export function sessionCookieName(publicOrigin: string): string {
  return publicOrigin.startsWith('https:') ? HOST_SESSION_COOKIE : SESSION_COOKIE;
}

/** 20 bytes = 160 random bits, encoded as 32 base32 characters. */
const TOKEN_BYTES = 20;
const tokenPattern = /^[a-z2-7]{32,128}$/;

export function generateSessionToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(TOKEN_BYTES));
}

/** The stored id of a token: its SHA-256, lower-case hex. */
export function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(db: Sql, userId: string, now: Date): Promise<{ token: string; session: Session }> {
  const token = generateSessionToken();
  const session: Session = { id: sessionIdFromToken(token), userId, expiresAt: new Date(now.getTime() + limits.sessionLifetimeMs) };
  await deleteExpiredUserSessions(db, userId, now);
  await insertSession(db, session);
  return { token, session };
}

/**
 * The session and user for a token, or null when the token is unknown or expired
 * (an expired session is deleted). A session with less than
 * `limits.sessionRenewWithinMs` left slides to a full lifetime; `renewed` tells
 * the caller to re-send the cookie.
 */
export async function validateSessionToken(
  db: Sql,
  token: string,
  now: Date,
): Promise<{ session: Session; user: SessionUser; renewed: boolean } | null> {
  if (!tokenPattern.test(token)) return null;
  const found = await findSessionWithUser(db, sessionIdFromToken(token));
  if (!found) return null;
  const { session, user } = found;
  const left = session.expiresAt.getTime() - now.getTime();
  if (left <= 0) {
    await deleteSession(db, session.id);
    return null;
  }
  if (left >= limits.sessionRenewWithinMs) return { session, user, renewed: false };
  const renewedSession: Session = { ...session, expiresAt: new Date(now.getTime() + limits.sessionLifetimeMs) };
  await updateSessionExpiry(db, session.id, renewedSession.expiresAt);
  return { session: renewedSession, user, renewed: true };
}

export async function invalidateSession(db: Sql, sessionId: string): Promise<void> {
  await deleteSession(db, sessionId);
}

/** Ends every session of the user, except `exceptSessionId` (the caller's own, on a password change). */
export async function invalidateUserSessions(db: Sql, userId: string, exceptSessionId?: string): Promise<void> {
  await deleteUserSessions(db, userId, exceptSessionId);
}

/** The session token from a Cookie header (the cookie called `name`), or null. Malformed values count as absent. */
export function readSessionToken(cookieHeader: string | undefined, name: string = SESSION_COOKIE): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    if (tokenPattern.test(value)) return value;
  }
  return null;
}
