import type { Role } from '../../shared/schemas/common';
import type { Sql } from './sql';

export interface MemberRow {
  proposalId: string;
  userId: string;
  partnerId: string;
  role: Role;
  name: string;
  email: string;
  createdAt: Date;
}

export interface Membership {
  role: Role;
  partnerId: string;
}

const columns = `m.proposal_id as "proposalId", m.user_id as "userId", m.partner_id as "partnerId", m.role,
  u.name, u.email, m.created_at as "createdAt"`;

export async function findMembership(db: Sql, proposalId: string, userId: string): Promise<Membership | null> {
  const [row] = await db.query<Membership & Record<string, unknown>>(
    `select role, partner_id as "partnerId" from members where proposal_id = $1 and user_id = $2`,
    [proposalId, userId],
  );
  return row ?? null;
}

export async function findMember(db: Sql, proposalId: string, userId: string, lock = false): Promise<MemberRow | null> {
  const [row] = await db.query<MemberRow & Record<string, unknown>>(
    `select ${columns} from members m join users u on u.id = m.user_id
     where m.proposal_id = $1 and m.user_id = $2${lock ? ' for update of m' : ''}`,
    [proposalId, userId],
  );
  return row ?? null;
}

export async function listMembers(db: Sql, proposalId: string): Promise<MemberRow[]> {
  return db.query<MemberRow & Record<string, unknown>>(
    `select ${columns} from members m join users u on u.id = m.user_id where m.proposal_id = $1 order by m.created_at, u.name, m.user_id`,
    [proposalId],
  );
}

/** Adds a member; false when the user already is one (a concurrent join won). */
export async function insertMember(db: Sql, m: { proposalId: string; userId: string; partnerId: string; role: Role }): Promise<boolean> {
  const rows = await db.query(`insert into members (proposal_id, user_id, partner_id, role) values ($1, $2, $3, $4) on conflict do nothing returning user_id`, [
    m.proposalId,
    m.userId,
    m.partnerId,
    m.role,
  ]);
  return rows.length === 1;
}

export async function updateMember(db: Sql, proposalId: string, userId: string, m: { role: Role; partnerId: string }): Promise<void> {
  await db.query(`update members set role = $3, partner_id = $4 where proposal_id = $1 and user_id = $2`, [proposalId, userId, m.role, m.partnerId]);
}

export async function deleteMember(db: Sql, proposalId: string, userId: string): Promise<void> {
  await db.query(`delete from members where proposal_id = $1 and user_id = $2`, [proposalId, userId]);
}

/** Locks every coordinator row of the proposal and returns their user ids (last-coordinator rule). */
export async function lockCoordinators(db: Sql, proposalId: string): Promise<string[]> {
  const rows = await db.query<{ userId: string }>(
    `select user_id as "userId" from members where proposal_id = $1 and role = 'coordinator' order by user_id for update`,
    [proposalId],
  );
  return rows.map((r) => r.userId);
}
