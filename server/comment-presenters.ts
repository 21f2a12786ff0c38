import type { Comment, Thread } from '../shared/schemas/review';
import type { CommentRow } from './db/comments';
import { can, canChangeComment, type Actor, type SectionSubject } from './policy';

/** Comment rows → the JSON of shared/schemas/review.ts. Bodies are plain text; the client never renders them as HTML. */

const person = (id: string | null, name: string | null, color: string | null, country: string | null) => ({
  id: id ?? '',
  name: name ?? 'Former member',
  color: color ?? '#888888',
  country,
});

export function presentComment(c: CommentRow, actor: Actor): Comment {
  const deleted = c.deletedAt !== null;
  return {
    id: c.id,
    threadId: c.threadId,
    parentId: c.parentId,
    author: person(c.authorId, c.authorName, c.authorColor, c.authorCountry),
    body: deleted ? '' : c.body,
    mentions: deleted ? [] : c.mentions,
    createdAt: c.createdAt.toISOString(),
    editedAt: c.editedAt ? c.editedAt.toISOString() : null,
    deleted,
    abilities: {
      edit: canChangeComment(actor, 'edit', { authorId: c.authorId, deleted }),
      delete: canChangeComment(actor, 'delete', { authorId: c.authorId, deleted }),
    },
  };
}

/**
 * Groups a section's comments (each thread root first, as listSectionThreadsPage orders them)
 * into threads. `isDetached` says whether a root's anchor no longer covers text.
 */
export function presentThreads(
  rows: readonly CommentRow[],
  actor: Actor,
  section: SectionSubject,
  isDetached: (anchor: { start: string; end: string }) => boolean,
): Thread[] {
  const threads = new Map<string, { root: CommentRow | null; replies: CommentRow[] }>();
  for (const r of rows) {
    const t = threads.get(r.threadId) ?? { root: null, replies: [] };
    if (r.parentId === null) t.root = r;
    else t.replies.push(r);
    threads.set(r.threadId, t);
  }
  const out: Thread[] = [];
  for (const { root, replies } of threads.values()) {
    if (!root) continue;
    const anchor = root.anchorStart !== null && root.anchorEnd !== null ? { start: root.anchorStart, end: root.anchorEnd, quote: root.quote ?? '' } : null;
    out.push({
      id: root.id,
      sectionId: root.sectionId,
      anchor,
      detached: anchor !== null && isDetached(anchor),
      status: root.status ?? 'open',
      resolvedBy: root.status === 'resolved' && root.resolvedBy ? person(root.resolvedBy, root.resolvedByName, root.resolvedByColor, root.resolvedByCountry) : null,
      resolvedAt: root.status === 'resolved' && root.resolvedAt ? root.resolvedAt.toISOString() : null,
      comments: [root, ...replies].map((c) => presentComment(c, actor)),
      abilities: {
        reply: can(actor, 'comment.create', section),
        resolve: can(actor, 'thread.resolve', { authorId: root.authorId ?? '', section }),
      },
    });
  }
  return out;
}
