import type { Sql } from '../db/sql';
import type { ExportNote } from './export-source';

/**
 * Unresolved comment threads for the optional numbered notes. Reads the review
 * loop's `comments` table (migration 0005) directly: root comments (a thread)
 * still open and not deleted, by section order, then age. Answers null when the
 * table does not exist, so an export never fails for want of comments.
 */
export async function loadOpenThreadNotes(db: Sql, proposalId: string): Promise<ExportNote[] | null> {
  const [exists] = await db.query<{ present: boolean }>(`select to_regclass('comments') is not null as present`);
  if (!exists?.present) return null;
  return db.query<ExportNote & Record<string, unknown>>(
    `select c.section_id as "sectionId", coalesce(u.name, 'Former member') as author, c.body, nullif(c.quote, '') as quote
       from comments c
       join sections s on s.id = c.section_id
       left join users u on u.id = c.author_id
      where c.proposal_id = $1 and c.parent_id is null and c.status = 'open' and c.deleted_at is null
      order by s.position, c.created_at, c.id`,
    [proposalId],
  );
}
