import type { Locale } from '../../shared/schemas/common';
import type { Sql } from './sql';

/** A user as the rest of the server sees it: never the password hash. */
export interface UserRecord {
  id: string;
  email: string;
  name: string;
  locale: Locale;
  color: string;
}

type UserRow = { id: string; email: string; name: string; locale: string; color: string };

const userColumns = 'id, email, name, locale, color';

function toUser(row: UserRow): UserRecord {
  // The column is only ever written from a validated Locale.
  return { id: row.id, email: row.email, name: row.name, locale: row.locale as Locale, color: row.color };
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  locale: Locale;
  color: string;
}

/** Inserts a user; null when the email is already taken. */
export async function insertUser(db: Sql, user: NewUser): Promise<UserRecord | null> {
  const rows = await db.query<UserRow>(
    `insert into users (email, name, password_hash, locale, color) values ($1, $2, $3, $4, $5)
     on conflict (email) do nothing
     returning ${userColumns}`,
    [user.email, user.name, user.passwordHash, user.locale, user.color],
  );
  return rows[0] ? toUser(rows[0]) : null;
}

export async function findUserById(db: Sql, id: string): Promise<UserRecord | null> {
  const rows = await db.query<UserRow>(`select ${userColumns} from users where id = $1`, [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

/** The user and their stored password hash, for checking a login. `email` is already normalised. */
export async function findCredentialsByEmail(db: Sql, email: string): Promise<{ user: UserRecord; passwordHash: string } | null> {
  const rows = await db.query<UserRow & { password_hash: string }>(
    `select ${userColumns}, password_hash from users where email = $1`,
    [email],
  );
  const row = rows[0];
  return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
}

export async function findPasswordHash(db: Sql, userId: string): Promise<string | null> {
  const rows = await db.query<{ password_hash: string }>(`select password_hash from users where id = $1`, [userId]);
  return rows[0]?.password_hash ?? null;
}

/** Changes the given profile fields; returns the updated user, or null if it no longer exists. */
export async function updateUserProfile(db: Sql, id: string, patch: { name?: string | undefined; locale?: Locale | undefined }): Promise<UserRecord | null> {
  const rows = await db.query<UserRow>(
    `update users set name = coalesce($2, name), locale = coalesce($3, locale)
     where id = $1
     returning ${userColumns}`,
    [id, patch.name ?? null, patch.locale ?? null],
  );
  return rows[0] ? toUser(rows[0]) : null;
}

export async function updatePasswordHash(db: Sql, id: string, passwordHash: string): Promise<void> {
  await db.query(`update users set password_hash = $2 where id = $1`, [id, passwordHash]);
}
