import type { Role } from '../../shared/schemas/common';
import { afterKey, cutPage, keyColumn, type Keyset } from './keyset';
import type { Sql } from './sql';

export interface InvitationRow {
  id: string;
  proposalId: string;
  partnerId: string;
  role: Role;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** The latest acceptance (who, when); every one is in invitation_acceptances. */
  acceptedAt: Date | null;
  acceptedBy: string | null;
  revokedAt: Date | null;
  /** People who may join through the link (1: a personal link). */
  maxUses: number;
  /** People who joined through it. */
  uses: number;
  /** The address a personal link of a bulk invitation was made for. */
  email: string | null;
}

/** A row of the coordinator's list: the row and its creator's name. */
export interface InvitationListRow extends InvitationRow {
  createdByName: string | null;
}

const columns = (t: string) => `${t}.id, ${t}.proposal_id as "proposalId", ${t}.partner_id as "partnerId", ${t}.role, ${t}.created_by as "createdBy",
  ${t}.created_at as "createdAt", ${t}.expires_at as "expiresAt", ${t}.accepted_at as "acceptedAt", ${t}.accepted_by as "acceptedBy",
  ${t}.revoked_at as "revokedAt", ${t}.max_uses as "maxUses", ${t}.uses, ${t}.email`;

/** Still usable at `$now` (the parameter number given): not revoked, not used up, not expired. */
const usableAt = (now: number) => `revoked_at is null and uses < max_uses and expires_at > $${now}`;

export interface NewInvitation {
  proposalId: string;
  partnerId: string;
  role: Role;
  tokenHash: string;
  createdBy: string;
  expiresAt: Date;
  /** Default 1: a personal link. */
  maxUses?: number;
  email?: string | null;
}

export async function insertInvitation(db: Sql, i: NewInvitation): Promise<InvitationRow> {
  const [row] = await db.query<InvitationRow & Record<string, unknown>>(
    `insert into invitations as i (proposal_id, partner_id, role, token_hash, created_by, expires_at, max_uses, email)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${columns('i')}`,
    [i.proposalId, i.partnerId, i.role, i.tokenHash, i.createdBy, i.expiresAt, i.maxUses ?? 1, i.email ?? null],
  );
  if (!row) throw new Error('insert invitation returned nothing');
  return row;
}

export async function findInvitationById(db: Sql, id: string): Promise<InvitationRow | null> {
  const [row] = await db.query<InvitationRow & Record<string, unknown>>(`select ${columns('i')} from invitations i where id = $1`, [id]);
  return row ?? null;
}

export async function findInvitationByHash(db: Sql, tokenHash: string, lock = false): Promise<InvitationRow | null> {
  const [row] = await db.query<InvitationRow & Record<string, unknown>>(
    `select ${columns('i')} from invitations i where token_hash = $1${lock ? ' for update' : ''}`,
    [tokenHash],
  );
  return row ?? null;
}

/** One page of a proposal's invitations, newest first (SEC26), with their creators' names. */
export async function listInvitationsPage(
  db: Sql,
  proposalId: string,
  page: { after: Keyset | null; limit: number },
): Promise<{ rows: InvitationListRow[]; next: string | null }> {
  const rows = await db.query<InvitationListRow & { keyMicros: number } & Record<string, unknown>>(
    `select ${columns('i')}, u.name as "createdByName", ${keyColumn('i')}
     from invitations i left join users u on u.id = i.created_by
     where i.proposal_id = $1 and ${afterKey('i', 2, 'desc')}
     order by i.created_at desc, i.id desc limit $4`,
    [proposalId, page.after?.micros ?? null, page.after?.id ?? null, page.limit + 1],
  );
  const { items, next } = cutPage(rows, page.limit);
  return { rows: items, next };
}

/** Invitations of a proposal still usable at `now`: a multi-use link counts once. */
export async function pendingInvitationCount(db: Sql, proposalId: string, now: Date): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int8 as n from invitations where proposal_id = $1 and ${usableAt(2)}`, [
    proposalId,
    now,
  ]);
  return Number(row?.n ?? 0);
}

/** The addresses (lower case) of the proposal's members. */
export async function memberEmails(db: Sql, proposalId: string): Promise<Set<string>> {
  const rows = await db.query<{ email: string }>(
    `select lower(u.email) as email from members m join users u on u.id = m.user_id where m.proposal_id = $1`,
    [proposalId],
  );
  return new Set(rows.map((r) => r.email));
}

/** The addresses with a personal link of the proposal still usable at `now`. */
export async function pendingInvitationEmails(db: Sql, proposalId: string, now: Date): Promise<Set<string>> {
  const rows = await db.query<{ email: string }>(
    `select lower(email) as email from invitations where proposal_id = $1 and email is not null and ${usableAt(2)}`,
    [proposalId, now],
  );
  return new Set(rows.map((r) => r.email));
}

/**
 * Counts one use of a locked, usable invitation by `userId`. The update is
 * conditional (a use past `max_uses` changes nothing and returns false), so the
 * limit holds even if a caller forgot the row lock.
 */
export async function recordAcceptance(db: Sql, id: string, userId: string, at: Date): Promise<boolean> {
  const updated = await db.query<{ id: string }>(
    `update invitations set uses = uses + 1, accepted_at = $2, accepted_by = $3 where id = $1 and ${usableAt(2)} returning id`,
    [id, at, userId],
  );
  if (updated.length === 0) return false;
  await db.query(`insert into invitation_acceptances (invitation_id, user_id, accepted_at) values ($1, $2, $3)`, [id, userId, at]);
  return true;
}

export async function markInvitationRevoked(db: Sql, id: string, at: Date): Promise<void> {
  await db.query(`update invitations set revoked_at = $2 where id = $1`, [id, at]);
}
