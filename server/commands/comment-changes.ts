import type { z } from 'zod';
import { limits } from '../../shared/limits';
import type { createCommentRequestSchema, UpdateCommentRequest } from '../../shared/schemas/review';
import { recordAudit } from '../db/audit';
import {
  findComment,
  insertComment,
  lockComment,
  openThreadCount,
  setThreadStatus,
  softDeleteComment,
  threadCommentCount,
  updateCommentBody,
  type CommentRow,
} from '../db/comments';
import { lockCount } from '../db/count-lock';
import { listMembers } from '../db/members';
import type { Sql } from '../db/sql';
import { forbidden, invalid, notFound, refusal } from '../errors';
import type { DomainEvent } from '../events';
import { authorize, canChangeComment, loadMemberSection } from '../policy';
import type { CommandContext } from './create-proposal';

/**
 * Comment threads: create (root or reply), edit own, soft delete, resolve and
 * reopen. Every member who can read a section may comment on it, including
 * locked sections and sections of other partners. Rules decided here:
 * - a reply to a resolved thread reopens it (the discussion goes on);
 * - replies attach to the thread's ROOT (parentId must be a root), and carry no anchor;
 * - mentions must be members of the proposal (400 otherwise); each newly mentioned
 *   member other than the author gets a `mention` event;
 * - a deleted comment keeps its row (body emptied) so the thread stays readable;
 * - caps (SEC27): a section has at most `limits.maxOpenThreadsPerSection` open
 *   threads (a new thread, a reply that reopens one and a reopen past it are 409
 *   `open_threads_limit`), a thread at most `limits.maxCommentsPerThread` comments
 *   (409 `thread_comments_limit`). Creates in a section take turns (count lock).
 * Events are published after the transaction commits.
 */

export type CreateCommentInput = z.output<typeof createCommentRequestSchema>;

async function checkMentions(tx: Sql, proposalId: string, mentions: readonly string[]): Promise<string[]> {
  const unique = [...new Set(mentions)];
  if (unique.length === 0) return unique;
  const members = new Set((await listMembers(tx, proposalId)).map((m) => m.userId));
  const stranger = unique.find((id) => !members.has(id));
  if (stranger !== undefined) throw refusal('invalid_input', 'mention_not_member', {}, {}, 'mentions');
  return unique;
}

/** 409 unless the section has room for one more open thread (call under its count lock). */
async function assertRoomForOpenThread(tx: Sql, sectionId: string): Promise<void> {
  if (Number(await openThreadCount(tx, sectionId)) >= limits.maxOpenThreadsPerSection) {
    throw refusal('conflict', 'open_threads_limit', { limit: limits.maxOpenThreadsPerSection });
  }
}

function eventsFor(c: { proposalId: string; sectionId: string; threadId: string }, by: string, mentioned: readonly string[]): DomainEvent[] {
  const events: DomainEvent[] = [{ type: 'comment.changed', proposalId: c.proposalId, sectionId: c.sectionId, threadId: c.threadId }];
  for (const userId of mentioned) if (userId !== by) events.push({ type: 'mention', ...c, userId, by });
  return events;
}

export async function createComment(
  ctx: CommandContext,
  userId: string,
  sectionId: string,
  input: CreateCommentInput,
): Promise<CommentRow> {
  const { row, events } = await ctx.db.transaction(async (tx) => {
    const { section, actor } = await loadMemberSection(tx, userId, sectionId, 'Section');
    authorize(actor, 'comment.create', section);
    await lockCount(tx, 'comments', sectionId);
    let threadId: string | null = null;
    if (input.parentId !== undefined) {
      if (input.anchor !== undefined) throw refusal('invalid_input', 'reply_not_anchored', {}, {}, 'anchor');
      await lockComment(tx, input.parentId);
      const parent = await findComment(tx, input.parentId);
      if (!parent || parent.sectionId !== sectionId) throw notFound('Comment');
      if (parent.parentId !== null) throw refusal('invalid_input', 'reply_to_root', {}, {}, 'parentId');
      threadId = parent.id;
      if ((await threadCommentCount(tx, parent.id)) >= limits.maxCommentsPerThread) {
        throw refusal('conflict', 'thread_comments_limit', { limit: limits.maxCommentsPerThread });
      }
      if (parent.status === 'resolved') {
        await assertRoomForOpenThread(tx, sectionId);
        await setThreadStatus(tx, parent.id, 'open', null);
      }
    } else {
      await assertRoomForOpenThread(tx, sectionId);
    }
    const mentions = await checkMentions(tx, section.proposalId, input.mentions);
    const id = await insertComment(tx, {
      threadId,
      sectionId,
      proposalId: section.proposalId,
      authorId: userId,
      body: input.body,
      mentions,
      anchor: input.anchor ?? null,
    });
    const created = await findComment(tx, id);
    if (!created) throw new Error('comment vanished');
    return { row: created, events: eventsFor(created, userId, mentions) };
  });
  for (const e of events) ctx.events.publish(e);
  return row;
}

export async function updateComment(ctx: CommandContext, userId: string, commentId: string, input: UpdateCommentRequest): Promise<CommentRow> {
  const { row, events } = await ctx.db.transaction(async (tx) => {
    if (input.resolved === false) {
      // Reopening counts against the section's open threads: its count lock first, as a create takes it.
      const peek = await findComment(tx, commentId);
      if (peek) await lockCount(tx, 'comments', peek.sectionId);
    }
    await lockComment(tx, commentId);
    const before = await findComment(tx, commentId);
    if (!before) throw notFound('Comment');
    const { section, actor } = await loadMemberSection(tx, userId, before.sectionId, 'Comment');
    const editing = input.body !== undefined || input.mentions !== undefined;
    if (editing && !canChangeComment(actor, 'edit', { authorId: before.authorId, deleted: before.deletedAt !== null })) {
      throw before.deletedAt ? refusal('forbidden', 'comment_deleted', {}) : refusal('forbidden', 'comment_not_yours', { action: 'edit' });
    }
    if (input.resolved !== undefined) {
      if (before.parentId !== null) throw refusal('invalid_input', 'resolve_root_only', {}, {}, 'resolved');
      authorize(actor, 'thread.resolve', { authorId: before.authorId ?? '', section });
    }
    let added: string[] = [];
    if (editing) {
      const mentions = input.mentions !== undefined ? await checkMentions(tx, section.proposalId, input.mentions) : null;
      if (mentions) added = mentions.filter((m) => !before.mentions.includes(m));
      await updateCommentBody(tx, commentId, input.body ?? before.body, mentions);
    }
    const wanted = input.resolved === undefined ? null : input.resolved ? 'resolved' : 'open';
    if (wanted !== null && wanted !== before.status) {
      if (wanted === 'open') await assertRoomForOpenThread(tx, section.id);
      await setThreadStatus(tx, commentId, wanted, userId);
      await recordAudit(tx, {
        proposalId: section.proposalId,
        sectionId: section.id,
        actorId: userId,
        action: wanted === 'resolved' ? 'thread.resolved' : 'thread.reopened',
        data: { threadId: commentId },
      });
    }
    const after = await findComment(tx, commentId);
    if (!after) throw new Error('comment vanished');
    return { row: after, events: eventsFor(after, userId, added) };
  });
  for (const e of events) ctx.events.publish(e);
  return row;
}

export async function deleteComment(ctx: CommandContext, userId: string, commentId: string): Promise<void> {
  const event = await ctx.db.transaction(async (tx) => {
    await lockComment(tx, commentId);
    const before = await findComment(tx, commentId);
    if (!before) throw notFound('Comment');
    const { actor } = await loadMemberSection(tx, userId, before.sectionId, 'Comment');
    if (before.deletedAt) return null;
    if (!canChangeComment(actor, 'delete', { authorId: before.authorId, deleted: false })) throw refusal('forbidden', 'comment_not_yours', { action: 'delete' });
    await softDeleteComment(tx, commentId);
    return eventsFor(before, userId, [])[0] ?? null;
  });
  if (event) ctx.events.publish(event);
}
