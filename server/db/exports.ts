import type { Sql } from './sql';

/**
 * What an export reads beyond the proposal, partners and sections (their own
 * query modules): the unresolved comment threads it prints as numbered notes.
 */

/** An open thread as an export prints it. */
export interface OpenThreadNote {
  sectionId: string;
  /** The author's name, or 'Former member' once the account is gone. */
  author: string;
  body: string;
  /** The anchored text when the thread has one. */
  quote: string | null;
}

/**
 * The proposal's unresolved threads (root comments still open and not
 * deleted), by section order, then age.
 */
export async function listOpenThreadNotes(db: Sql, proposalId: string): Promise<OpenThreadNote[]> {
  return db.query<OpenThreadNote & Record<string, unknown>>(
    `select c.section_id as "sectionId", coalesce(u.name, 'Former member') as author, c.body, nullif(c.quote, '') as quote
       from comments c
       join sections s on s.id = c.section_id
       left join users u on u.id = c.author_id
      where c.proposal_id = $1 and c.parent_id is null and c.status = 'open' and c.deleted_at is null
      order by s.position, c.created_at, c.id`,
    [proposalId],
  );
}
