import type { AuditAction } from '../../shared/audit-actions';
import type { Sql } from './sql';

/** What one audit event records: who did what to which proposal or section. */
export interface AuditInput {
  proposalId: string;
  sectionId?: string | null;
  actorId: string | null;
  /** One of shared/audit-actions.ts (the feed has a message for each). */
  action: AuditAction;
  data: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  proposalId: string;
  sectionId: string | null;
  actorId: string | null;
  actorName: string | null;
  action: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** Appends one audit event; call it inside the command's transaction. */
export async function recordAudit(tx: Sql, e: AuditInput): Promise<void> {
  await tx.query(`insert into audit_events (proposal_id, section_id, actor_id, action, data) values ($1, $2, $3, $4, $5::jsonb)`, [
    e.proposalId,
    e.sectionId ?? null,
    e.actorId,
    e.action,
    JSON.stringify(e.data),
  ]);
}

/** The activity feed: latest first, `limit` events with an id below `before`. */
export async function listAudit(db: Sql, proposalId: string, opts: { before?: number; limit: number }): Promise<AuditRow[]> {
  return db.query<AuditRow & Record<string, unknown>>(
    `select a.id, a.proposal_id as "proposalId", a.section_id as "sectionId", a.actor_id as "actorId", u.name as "actorName",
       a.action, a.data, a.created_at as "createdAt"
     from audit_events a left join users u on u.id = a.actor_id
     where a.proposal_id = $1 and ($2::bigint is null or a.id < $2::bigint)
     order by a.id desc limit $3`,
    [proposalId, opts.before ?? null, opts.limit],
  );
}
