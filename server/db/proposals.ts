import type { Role } from '../../shared/schemas/common';
import { afterKey, cutPage, keyColumn, type Keyset } from './keyset';
import type { Sql } from './sql';

export interface ProposalRow {
  id: string;
  title: string;
  templateId: string;
  theme: string | null;
  deadline: string | null;
  language: string;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProposalSummaryRow extends ProposalRow {
  role: Role;
}

const columns = `p.id, p.title, p.template_id as "templateId", p.theme, to_char(p.deadline, 'YYYY-MM-DD') as deadline,
  p.language, p.created_by as "createdBy", p.created_at as "createdAt", p.updated_at as "updatedAt"`;

export async function insertProposal(
  db: Sql,
  p: { title: string; templateId: string; theme: string | null; deadline: string | null; language: string; createdBy: string },
): Promise<ProposalRow> {
  const [row] = await db.query<ProposalRow & Record<string, unknown>>(
    `insert into proposals as p (title, template_id, theme, deadline, language, created_by)
     values ($1, $2, $3, $4::date, $5, $6) returning ${columns}`,
    [p.title, p.templateId, p.theme, p.deadline, p.language, p.createdBy],
  );
  if (!row) throw new Error('insert proposal returned nothing');
  return row;
}

export async function findProposalById(db: Sql, id: string): Promise<ProposalRow | null> {
  const [row] = await db.query<ProposalRow & Record<string, unknown>>(`select ${columns} from proposals p where p.id = $1`, [id]);
  return row ?? null;
}

/** One page of the proposals `userId` belongs to, newest first, with the caller's role (SEC26). */
export async function listProposalsForUser(
  db: Sql,
  userId: string,
  page: { after: Keyset | null; limit: number },
): Promise<{ rows: ProposalSummaryRow[]; next: string | null }> {
  const rows = await db.query<ProposalSummaryRow & { keyMicros: number } & Record<string, unknown>>(
    `select ${columns}, m.role, ${keyColumn('p')} from proposals p join members m on m.proposal_id = p.id
     where m.user_id = $1 and ${afterKey('p', 2, 'desc')} order by p.created_at desc, p.id desc limit $4`,
    [userId, page.after?.micros ?? null, page.after?.id ?? null, page.limit + 1],
  );
  const { items, next } = cutPage(rows, page.limit);
  return { rows: items, next };
}

/** How many proposals `userId` belongs to. */
export async function membershipCount(db: Sql, userId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int8 as n from members where user_id = $1`, [userId]);
  return row?.n ?? 0;
}

export async function touchProposal(db: Sql, id: string): Promise<void> {
  await db.query('update proposals set updated_at = now() where id = $1', [id]);
}
