import { createHash } from 'node:crypto';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import {
  createSession,
  generateSessionToken,
  invalidateUserSessions,
  readSessionToken,
  SESSION_COOKIE,
  sessionIdFromToken,
  validateSessionToken,
} from '../../server/auth/session';
import { insertUser } from '../../server/db/users';
import { openTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
beforeAll(async () => { t = await openTestDatabase(); });
afterAll(async () => { await t.dispose(); });

const day = 24 * 60 * 60 * 1000;
let emailSeq = 0;
async function makeUser(): Promise<string> {
  emailSeq += 1;
  const user = await insertUser(t.db, { email: `s${emailSeq}@example.eu`, name: 'S', passwordHash: 'scrypt$x', locale: 'en', color: '#1d4ed8' });
  if (!user) throw new Error('user not created');
  return user.id;
}

describe('session tokens', () => {
  it('AUTH4: a token is lower-case unpadded base32 carrying at least 160 random bits', () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const token = generateSessionToken();
      expect(token).toMatch(/^[a-z2-7]+$/);
      expect(decodeBase32IgnorePadding(token.toUpperCase()).length * 8).toBeGreaterThanOrEqual(160);
      tokens.add(token);
    }
    expect(tokens.size).toBe(500);
  });

  it('AUTH4: the session id is the SHA-256 hex of the token, and only it is stored', async () => {
    const userId = await makeUser();
    const now = new Date('2030-01-01T00:00:00Z');
    const { token, session } = await createSession(t.db, userId, now);
    const expected = createHash('sha256').update(token).digest('hex');
    expect(sessionIdFromToken(token)).toBe(expected);
    expect(session.id).toBe(expected);
    const rows = await t.db.query<{ id: string; expires_at: Date }>(`select id, expires_at from sessions where user_id = $1`, [userId]);
    expect(rows).toEqual([{ id: expected, expires_at: new Date(now.getTime() + limits.sessionLifetimeMs) }]);
    const dump = JSON.stringify(await t.db.query(`select * from sessions`));
    expect(dump).not.toContain(token);
  });

  it('AUTH3: readSessionToken finds our cookie among others and ignores malformed values', () => {
    const token = generateSessionToken();
    expect(readSessionToken(`a=1; ${SESSION_COOKIE}=${token}; b=2`)).toBe(token);
    expect(readSessionToken(`${SESSION_COOKIE}=${token}`)).toBe(token);
    expect(readSessionToken(undefined)).toBeNull();
    expect(readSessionToken('other=1')).toBeNull();
    expect(readSessionToken(`${SESSION_COOKIE}=`)).toBeNull();
    expect(readSessionToken(`${SESSION_COOKIE}=NOT-A-TOKEN'; drop table users`)).toBeNull();
    expect(readSessionToken(`x${SESSION_COOKIE}=${token}`)).toBeNull();
  });
});

describe('session validation', () => {
  it('AUTH3: an unknown or expired token validates to null, and the expired session is deleted', async () => {
    const userId = await makeUser();
    const now = new Date('2030-01-01T00:00:00Z');
    expect(await validateSessionToken(t.db, generateSessionToken(), now)).toBeNull();
    const { token, session } = await createSession(t.db, userId, now);
    expect(await validateSessionToken(t.db, token, session.expiresAt)).toBeNull();
    expect(await t.db.query(`select id from sessions where id = $1`, [session.id])).toHaveLength(0);
  });

  it('AUTH6: a session slides to 30 days once under 15 days are left, and not before', async () => {
    const userId = await makeUser();
    const start = new Date('2030-01-01T00:00:00Z');
    const { token, session } = await createSession(t.db, userId, start);

    const early = await validateSessionToken(t.db, token, new Date(start.getTime() + 14 * day));
    expect(early?.renewed).toBe(false);
    expect(early?.session.expiresAt).toEqual(session.expiresAt);
    expect(early?.user.id).toBe(userId);

    const later = new Date(start.getTime() + 16 * day);
    const renewed = await validateSessionToken(t.db, token, later);
    expect(renewed?.renewed).toBe(true);
    expect(renewed?.session.expiresAt).toEqual(new Date(later.getTime() + limits.sessionLifetimeMs));
    const [row] = await t.db.query<{ expires_at: Date }>(`select expires_at from sessions where id = $1`, [session.id]);
    expect(row?.expires_at).toEqual(new Date(later.getTime() + limits.sessionLifetimeMs));
  });

  it('AUTH9: invalidateUserSessions ends every session of the user except the one kept', async () => {
    const userId = await makeUser();
    const other = await makeUser();
    const now = new Date('2030-01-01T00:00:00Z');
    const keep = await createSession(t.db, userId, now);
    const drop1 = await createSession(t.db, userId, now);
    const drop2 = await createSession(t.db, userId, now);
    const stranger = await createSession(t.db, other, now);
    await invalidateUserSessions(t.db, userId, keep.session.id);
    expect(await validateSessionToken(t.db, keep.token, now)).not.toBeNull();
    expect(await validateSessionToken(t.db, drop1.token, now)).toBeNull();
    expect(await validateSessionToken(t.db, drop2.token, now)).toBeNull();
    expect(await validateSessionToken(t.db, stranger.token, now)).not.toBeNull();
    await invalidateUserSessions(t.db, userId);
    expect(await validateSessionToken(t.db, keep.token, now)).toBeNull();
  });
});
