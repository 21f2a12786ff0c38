import type { Sql } from './sql';
import type { UserRecord } from './users';
import type { Locale } from '../../shared/schemas/common';

/** A stored session. `id` is the SHA-256 (hex) of the token; the token is never stored. */
export interface SessionRecord {
  id: string;
  userId: string;
  expiresAt: Date;
}

export async function insertSession(db: Sql, session: SessionRecord): Promise<void> {
  await db.query(`insert into sessions (id, user_id, expires_at) values ($1, $2, $3)`, [session.id, session.userId, session.expiresAt]);
}

/** A session and its user, in one query. */
export async function findSessionWithUser(db: Sql, id: string): Promise<{ session: SessionRecord; user: UserRecord } | null> {
  const rows = await db.query<{
    id: string;
    user_id: string;
    expires_at: Date;
    email: string;
    name: string;
    locale: string;
    color: string;
  }>(
    `select s.id, s.user_id, s.expires_at, u.email, u.name, u.locale, u.color
     from sessions s join users u on u.id = s.user_id
     where s.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    session: { id: row.id, userId: row.user_id, expiresAt: row.expires_at },
    user: { id: row.user_id, email: row.email, name: row.name, locale: row.locale as Locale, color: row.color },
  };
}

export async function updateSessionExpiry(db: Sql, id: string, expiresAt: Date): Promise<void> {
  await db.query(`update sessions set expires_at = $2 where id = $1`, [id, expiresAt]);
}

export async function deleteSession(db: Sql, id: string): Promise<void> {
  await db.query(`delete from sessions where id = $1`, [id]);
}

/** Deletes every session of a user, except `exceptId` when given. */
export async function deleteUserSessions(db: Sql, userId: string, exceptId?: string): Promise<void> {
  await db.query(`delete from sessions where user_id = $1 and ($2::text is null or id <> $2::text)`, [userId, exceptId ?? null]);
}

/** Housekeeping: drops a user's sessions that expired before `now`. */
export async function deleteExpiredUserSessions(db: Sql, userId: string, now: Date): Promise<void> {
  await db.query(`delete from sessions where user_id = $1 and expires_at <= $2`, [userId, now]);
}
