import type { SectionStatus } from '../../shared/schemas/common';
import type { Sql } from './sql';

export interface SectionRow {
  id: string;
  proposalId: string;
  key: string;
  position: number;
  number: string;
  title: string;
  criterion: string;
  guidance: string[];
  checklist: number[];
  requiredItems: { key: string; label: string }[];
  /** Keys of required items the owner has confirmed. */
  itemsPresent: string[];
  minChars: number;
  maxChars: number;
  ownerPartnerId: string;
  status: SectionStatus;
  blockedReason: string | null;
  notApplicableReason: string | null;
  changesRequestedReason: string | null;
  dueDate: string | null;
  updatedAt: Date;
}

const columns = `id, proposal_id as "proposalId", key, position, number, title, criterion, guidance, checklist,
  required_items as "requiredItems", items_present as "itemsPresent", min_chars as "minChars", max_chars as "maxChars", owner_partner_id as "ownerPartnerId",
  status, blocked_reason as "blockedReason", not_applicable_reason as "notApplicableReason",
  changes_requested_reason as "changesRequestedReason", to_char(due_date, 'YYYY-MM-DD') as "dueDate", updated_at as "updatedAt"`;

export interface NewSection {
  proposalId: string;
  key: string;
  position: number;
  number: string;
  title: string;
  criterion: string;
  guidance: readonly string[];
  requiredItems: readonly { key: string; label: string }[];
  minChars: number;
  maxChars: number;
  ownerPartnerId: string;
}

export async function insertSection(db: Sql, s: NewSection): Promise<void> {
  await db.query(
    `insert into sections (proposal_id, key, position, number, title, criterion, guidance, required_items, min_chars, max_chars, owner_partner_id)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11)`,
    [s.proposalId, s.key, s.position, s.number, s.title, s.criterion, JSON.stringify(s.guidance), JSON.stringify(s.requiredItems), s.minChars, s.maxChars, s.ownerPartnerId],
  );
}

/** The section with at least {id, proposalId, ownerPartnerId, status}; the WebSocket route uses it. */
export async function findSectionById(db: Sql, id: string): Promise<SectionRow | null> {
  const [row] = await db.query<SectionRow & Record<string, unknown>>(`select ${columns} from sections where id = $1`, [id]);
  return row ?? null;
}

/** Locks the section row for the rest of the transaction. */
export async function lockSection(db: Sql, id: string): Promise<SectionRow | null> {
  const [row] = await db.query<SectionRow & Record<string, unknown>>(`select ${columns} from sections where id = $1 for update`, [id]);
  return row ?? null;
}

/**
 * Locks every section of the proposal `for update` for the rest of the transaction,
 * in ONE statement and in id order: the order in which the log append locks the
 * sections of a batch (`for key share`, server/db/doc-updates.ts), so the two cannot
 * deadlock (WSH20). Position order would not do: it need not follow the ids.
 */
export async function lockProposalSections(db: Sql, proposalId: string): Promise<void> {
  await db.query(`select id from sections where proposal_id = $1 order by id for update`, [proposalId]);
}

export async function listSections(db: Sql, proposalId: string): Promise<SectionRow[]> {
  return db.query<SectionRow & Record<string, unknown>>(`select ${columns} from sections where proposal_id = $1 order by position`, [proposalId]);
}

export interface SectionUpdate {
  ownerPartnerId: string;
  status: SectionStatus;
  dueDate: string | null;
  blockedReason: string | null;
  notApplicableReason: string | null;
  changesRequestedReason: string | null;
  checklist: number[];
  itemsPresent: string[];
}

export async function updateSection(db: Sql, id: string, u: SectionUpdate): Promise<SectionRow> {
  const [row] = await db.query<SectionRow & Record<string, unknown>>(
    `update sections set owner_partner_id = $2, status = $3, due_date = $4::date, blocked_reason = $5,
       not_applicable_reason = $6, changes_requested_reason = $7, checklist = $8::jsonb, items_present = $9::jsonb, updated_at = now()
     where id = $1 returning ${columns}`,
    [id, u.ownerPartnerId, u.status, u.dueDate, u.blockedReason, u.notApplicableReason, u.changesRequestedReason, JSON.stringify(u.checklist), JSON.stringify(u.itemsPresent)],
  );
  if (!row) throw new Error('update section returned nothing');
  return row;
}
