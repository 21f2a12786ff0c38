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
  acceptedAt: Date | null;
  acceptedBy: string | null;
  revokedAt: Date | null;
}

const columns = `id, proposal_id as "proposalId", partner_id as "partnerId", role, created_by as "createdBy",
  created_at as "createdAt", expires_at as "expiresAt", accepted_at as "acceptedAt", accepted_by as "acceptedBy", revoked_at as "revokedAt"`;

export async function insertInvitation(
  db: Sql,
  i: { proposalId: string; partnerId: string; role: Role; tokenHash: string; createdBy: string; expiresAt: Date },
): Promise<InvitationRow> {
  const [row] = await db.query<InvitationRow & Record<string, unknown>>(
    `insert into invitations (proposal_id, partner_id, role, token_hash, created_by, expires_at)
     values ($1, $2, $3, $4, $5, $6) returning ${columns}`,
    [i.proposalId, i.partnerId, i.role, i.tokenHash, i.createdBy, i.expiresAt],
  );
  if (!row) throw new Error('insert invitation returned nothing');
  return row;
}

export async function findInvitationById(db: Sql, id: string): Promise<InvitationRow | null> {
  const [row] = await db.query<InvitationRow & Record<string, unknown>>(`select ${columns} from invitations where id = $1`, [id]);
  return row ?? null;
}

export async function findInvitationByHash(db: Sql, tokenHash: string, lock = false): Promise<InvitationRow | null> {
  const [row] = await db.query<InvitationRow & Record<string, unknown>>(
    `select ${columns} from invitations where token_hash = $1${lock ? ' for update' : ''}`,
    [tokenHash],
  );
  return row ?? null;
}

/** One page of a proposal's invitations, newest first (SEC26). */
export async function listInvitationsPage(
  db: Sql,
  proposalId: string,
  page: { after: Keyset | null; limit: number },
): Promise<{ rows: InvitationRow[]; next: string | null }> {
  const rows = await db.query<InvitationRow & { keyMicros: number } & Record<string, unknown>>(
    `select ${columns}, ${keyColumn('i')} from invitations i where proposal_id = $1 and ${afterKey('i', 2, 'desc')}
     order by created_at desc, id desc limit $4`,
    [proposalId, page.after?.micros ?? null, page.after?.id ?? null, page.limit + 1],
  );
  const { items, next } = cutPage(rows, page.limit);
  return { rows: items, next };
}

/** Invitations of a proposal still usable at `now` (neither accepted, revoked nor expired). */
export async function pendingInvitationCount(db: Sql, proposalId: string, now: Date): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int8 as n from invitations where proposal_id = $1 and accepted_at is null and revoked_at is null and expires_at > $2`,
    [proposalId, now],
  );
  return row?.n ?? 0;
}

export async function markInvitationAccepted(db: Sql, id: string, userId: string, at: Date): Promise<void> {
  await db.query(`update invitations set accepted_at = $2, accepted_by = $3 where id = $1`, [id, at, userId]);
}

export async function markInvitationRevoked(db: Sql, id: string, at: Date): Promise<void> {
  await db.query(`update invitations set revoked_at = $2 where id = $1`, [id, at]);
}
