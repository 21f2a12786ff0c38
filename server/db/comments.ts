import { randomUUID } from 'node:crypto';
import { afterKey, cutPage, keyColumn, type Keyset } from './keyset';
import type { Sql } from './sql';

/** Comment threads: a root comment (thread_id = id) and its replies, one table. */

export interface CommentRow {
  id: string;
  threadId: string;
  parentId: string | null;
  sectionId: string;
  proposalId: string;
  authorId: string | null;
  authorName: string | null;
  authorColor: string | null;
  authorCountry: string | null;
  body: string;
  mentions: string[];
  anchorStart: string | null;
  anchorEnd: string | null;
  quote: string | null;
  /** Root comments only. */
  status: 'open' | 'resolved' | null;
  resolvedBy: string | null;
  resolvedByName: string | null;
  resolvedByColor: string | null;
  resolvedByCountry: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

/** The author's country is that of their partner in this proposal (null once they left). */
const select = `select c.id, c.thread_id as "threadId", c.parent_id as "parentId", c.section_id as "sectionId",
  c.proposal_id as "proposalId", c.author_id as "authorId", au.name as "authorName", au.color as "authorColor",
  (select p.country from members m join partners p on p.id = m.partner_id where m.proposal_id = c.proposal_id and m.user_id = c.author_id) as "authorCountry",
  c.body, c.mentions, c.anchor_start as "anchorStart", c.anchor_end as "anchorEnd", c.quote, c.status,
  c.resolved_by as "resolvedBy", ru.name as "resolvedByName", ru.color as "resolvedByColor",
  (select p.country from members m join partners p on p.id = m.partner_id where m.proposal_id = c.proposal_id and m.user_id = c.resolved_by) as "resolvedByCountry",
  c.resolved_at as "resolvedAt", c.created_at as "createdAt", c.edited_at as "editedAt", c.deleted_at as "deletedAt"
  from comments c left join users au on au.id = c.author_id left join users ru on ru.id = c.resolved_by`;

export interface NewComment {
  /** Null for a root comment (it becomes its own thread). */
  threadId: string | null;
  sectionId: string;
  proposalId: string;
  authorId: string;
  body: string;
  mentions: readonly string[];
  anchor: { start: string; end: string; quote: string } | null;
}

export async function insertComment(db: Sql, c: NewComment): Promise<string> {
  const id = randomUUID();
  await db.query(
    `insert into comments (id, thread_id, parent_id, section_id, proposal_id, author_id, body, mentions, anchor_start, anchor_end, quote, status)
     values ($1, coalesce($2::uuid, $1), $2::uuid, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, case when $2::uuid is null then 'open' end)`,
    [id, c.threadId, c.sectionId, c.proposalId, c.authorId, c.body, JSON.stringify(c.mentions), c.anchor?.start ?? null, c.anchor?.end ?? null, c.anchor?.quote ?? null],
  );
  return id;
}

export async function findComment(db: Sql, id: string): Promise<CommentRow | null> {
  const [row] = await db.query<CommentRow & Record<string, unknown>>(`${select} where c.id = $1`, [id]);
  return row ?? null;
}

/** Locks a comment row (and so serialises edits of it). */
export async function lockComment(db: Sql, id: string): Promise<void> {
  await db.query(`select id from comments where id = $1 for update`, [id]);
}

/**
 * One page of a section's threads (SEC26): up to `limit` threads after `after`,
 * oldest first, each as its root then its replies (at most
 * `limits.maxCommentsPerThread`), in one statement. `next` names the page after.
 */
export async function listSectionThreadsPage(
  db: Sql,
  sectionId: string,
  page: { after: Keyset | null; limit: number },
): Promise<{ rows: CommentRow[]; next: string | null }> {
  const roots = await db.query<{ id: string; keyMicros: number }>(
    `select r.id, ${keyColumn('r')} from comments r
     where r.section_id = $1 and r.parent_id is null and ${afterKey('r', 2)}
     order by r.created_at, r.id limit $4`,
    [sectionId, page.after?.micros ?? null, page.after?.id ?? null, page.limit + 1],
  );
  const { items, next } = cutPage(roots, page.limit);
  const last = items[items.length - 1];
  if (!last) return { rows: [], next };
  // The page's threads are exactly the roots up to and including its last one.
  const rows = await db.query<CommentRow & Record<string, unknown>>(
    `${select} join comments r on r.id = c.thread_id
     where r.section_id = $1 and r.parent_id is null and ${afterKey('r', 2)}
       and (r.created_at, r.id) <= (timestamptz 'epoch' + $4::int8 * interval '1 microsecond', $5::uuid)
     order by r.created_at, r.id, c.parent_id is not null, c.created_at, c.id`,
    [sectionId, page.after?.micros ?? null, page.after?.id ?? null, last.keyMicros, last.id],
  );
  return { rows, next };
}

export async function updateCommentBody(db: Sql, id: string, body: string, mentions: readonly string[] | null): Promise<void> {
  await db.query(`update comments set body = $2, mentions = coalesce($3::jsonb, mentions), edited_at = now() where id = $1`, [
    id,
    body,
    mentions ? JSON.stringify(mentions) : null,
  ]);
}

export async function setThreadStatus(db: Sql, threadId: string, status: 'open' | 'resolved', by: string | null): Promise<void> {
  await db.query(
    `update comments set status = $2, resolved_by = case when $2 = 'resolved' then $3::uuid end,
       resolved_at = case when $2 = 'resolved' then now() end
     where id = $1 and parent_id is null`,
    [threadId, status, by],
  );
}

/** Soft delete: the row stays (so the thread stays readable), its body and mentions go. */
export async function softDeleteComment(db: Sql, id: string): Promise<void> {
  await db.query(`update comments set body = '', mentions = '[]', deleted_at = now() where id = $1 and deleted_at is null`, [id]);
}

/** Open threads per section of a proposal (threads whose root is not deleted-and-empty count while open). */
export async function openThreadCounts(db: Sql, proposalId: string): Promise<Map<string, number>> {
  const rows = await db.query<{ sectionId: string; n: number }>(
    `select section_id as "sectionId", count(*)::int8 as n from comments
     where proposal_id = $1 and parent_id is null and status = 'open' group by section_id`,
    [proposalId],
  );
  return new Map(rows.map((r) => [r.sectionId, r.n]));
}

export async function openThreadCount(db: Sql, sectionId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int8 as n from comments where section_id = $1 and parent_id is null and status = 'open'`,
    [sectionId],
  );
  return row?.n ?? 0;
}

/** Comments of one thread, its root included (deleted ones count: their rows stay). */
export async function threadCommentCount(db: Sql, threadId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int8 as n from comments where thread_id = $1`, [threadId]);
  return Number(row?.n ?? 0);
}

/** Latest comment activity per section of a proposal. */
export async function lastCommentAt(db: Sql, proposalId: string): Promise<Map<string, Date>> {
  const rows = await db.query<{ sectionId: string; at: Date }>(
    `select section_id as "sectionId", max(greatest(created_at, coalesce(edited_at, created_at), coalesce(resolved_at, created_at), coalesce(deleted_at, created_at))) as at
     from comments where proposal_id = $1 group by section_id`,
    [proposalId],
  );
  return new Map(rows.map((r) => [r.sectionId, r.at]));
}
