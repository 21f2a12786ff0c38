import type { AuditRow } from './audit';
import type { Sql } from './sql';

/** The activity feed read forwards, for the event stream (the feed's own pages read backwards, in db/audit.ts). */

export async function latestAuditId(db: Sql, proposalId: string): Promise<number> {
  const [row] = await db.query<{ id: number | null }>(`select max(id) as id from audit_events where proposal_id = $1`, [proposalId]);
  return row?.id ?? 0;
}

/** Events with an id above `after`, oldest first, at most `limit`. */
export async function auditAfter(db: Sql, proposalId: string, after: number, limit = 100): Promise<AuditRow[]> {
  return db.query<AuditRow & Record<string, unknown>>(
    `select a.id, a.proposal_id as "proposalId", a.section_id as "sectionId", a.actor_id as "actorId", u.name as "actorName",
       a.action, a.data, a.created_at as "createdAt"
     from audit_events a left join users u on u.id = a.actor_id
     where a.proposal_id = $1 and a.id > $2::bigint order by a.id limit $3`,
    [proposalId, after, limit],
  );
}

/** The latest audit event per section of a proposal. */
export async function lastAuditPerSection(db: Sql, proposalId: string): Promise<Map<string, Date>> {
  const rows = await db.query<{ sectionId: string; at: Date }>(
    `select section_id as "sectionId", max(created_at) as at from audit_events
     where proposal_id = $1 and section_id is not null group by section_id`,
    [proposalId],
  );
  return new Map(rows.map((r) => [r.sectionId, r.at]));
}
