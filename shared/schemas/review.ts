import { z } from 'zod';
import { limits } from '../limits';
import { idSchema, lineTextSchema, multilineTextSchema, quoteTextSchema, roleSchema, sectionStatusSchema } from './common';
import { auditEventSchema } from './domain';
import { nextCursorSchema } from './page';
import { restoredEventSchema, snapshotKindSchema, snapshotLabelSchema } from './history';

/**
 * The review loop's contract: comment threads anchored by Yjs relative positions,
 * the proposal event stream, the activity feed and the board.
 */

// ---------------------------------------------------------------- comments

/**
 * A text range of a section, as two Yjs relative positions (Y.encodeRelativePosition,
 * base64) into the section's `default` XmlFragment, plus the quoted text when anchored.
 */
export const anchorSchema = z
  .object({
    start: z.base64().max(2048),
    end: z.base64().max(2048),
    quote: quoteTextSchema(limits.commentMaxChars),
  })
  .strict();
export type Anchor = z.infer<typeof anchorSchema>;

const commentBodySchema = multilineTextSchema(limits.commentMaxChars);

export const createCommentRequestSchema = z
  .object({
    body: commentBodySchema,
    /** Omitted: the comment is about the whole section. Not allowed on replies. */
    anchor: anchorSchema.optional(),
    /** The thread's root comment id, for a reply. */
    parentId: idSchema.optional(),
    /** Members mentioned with @; each must be a member of the proposal. */
    mentions: z.array(idSchema).max(50).default([]),
  })
  .strict();
export type CreateCommentRequest = z.input<typeof createCommentRequestSchema>;

export const updateCommentRequestSchema = z
  .object({
    body: commentBodySchema.optional(),
    mentions: z.array(idSchema).max(50).optional(),
    /** On a thread's root comment: resolve (true) or reopen (false) the thread. */
    resolved: z.boolean().optional(),
  })
  .strict()
  .refine((v) => v.body !== undefined || v.resolved !== undefined, { message: 'nothing to change' });
export type UpdateCommentRequest = z.input<typeof updateCommentRequestSchema>;

export const commentAuthorSchema = z.object({ id: z.string(), name: z.string(), color: z.string(), country: z.string().nullable() });

export const commentSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  /** null for the thread's root comment. */
  parentId: z.string().nullable(),
  author: commentAuthorSchema,
  /** Plain text; '' once deleted. Never HTML. */
  body: z.string(),
  mentions: z.array(z.string()),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deleted: z.boolean(),
  abilities: z.object({ edit: z.boolean(), delete: z.boolean() }),
});
export type Comment = z.infer<typeof commentSchema>;

export const threadSchema = z.object({
  /** The root comment's id. */
  id: z.string(),
  sectionId: z.string(),
  anchor: anchorSchema.nullable(),
  /** The anchored text was deleted: the thread stays, with its quote. */
  detached: z.boolean(),
  status: z.enum(['open', 'resolved']),
  resolvedBy: commentAuthorSchema.nullable(),
  resolvedAt: z.string().nullable(),
  /** Root first, then replies in order. */
  comments: z.array(commentSchema),
  abilities: z.object({ reply: z.boolean(), resolve: z.boolean() }),
});
export type Thread = z.infer<typeof threadSchema>;

/** One page of a section's threads, oldest first (SEC26), and how many of ALL its threads are open. */
export const threadsResponseSchema = z.object({ threads: z.array(threadSchema), next: nextCursorSchema, openThreads: z.number() });
export const commentResponseSchema = z.object({ comment: commentSchema });

// ---------------------------------------------------------------- presence

export const presenceUserSchema = z.object({ id: z.string(), name: z.string(), color: z.string(), country: z.string().nullable() });
export type PresenceUser = z.infer<typeof presenceUserSchema>;

// ---------------------------------------------------------------- event stream

/**
 * One server-sent event on `GET /api/proposals/:id/events` (event name = `type`,
 * data = this JSON). Clients refetch what changed; the stream carries ids and
 * small payloads, never section text.
 */
export const streamEventSchema = z.discriminatedUnion('type', [
  /** A section's owner, status, flags, due date or checklist changed: refetch it. */
  z.object({ type: z.literal('section'), sectionId: z.string() }),
  /** The section's meter after persisted text changes (debounced). */
  z.object({
    type: z.literal('completeness'),
    sectionId: z.string(),
    chars: z.number(),
    score: z.number(),
  }),
  /** A thread of this section was created, replied to, edited, resolved, reopened or deleted. */
  z.object({ type: z.literal('comment'), sectionId: z.string(), threadId: z.string() }),
  /** Members or partners changed: refetch the proposal. */
  z.object({ type: z.literal('proposal') }),
  /** Who is in which section now (this instance's view merged with others'). */
  z.object({ type: z.literal('presence'), sections: z.record(z.string(), z.array(presenceUserSchema)) }),
  /** A new activity-feed entry (the same shape as GET /api/proposals/:id/audit). */
  z.object({ type: z.literal('activity'), event: auditEventSchema }),
  /** A meeting started or ended, or a section was restored: refetch meetings / the section. */
  z.object({ type: z.literal('meeting'), meetingId: z.string() }),
  /** The facilitator moved: the projector (and followers) go to this section and scroll position (0..1). */
  z.object({ type: z.literal('focus'), meetingId: z.string(), sectionId: z.string().nullable(), scroll: z.number() }),
  /** You were mentioned in a comment. */
  z.object({ type: z.literal('mention'), sectionId: z.string(), threadId: z.string(), by: z.string() }),
  /** Someone restored a section to a snapshot; the text it replaced is in an automatic snapshot. */
  restoredEventSchema,
  /**
   * YOUR role or partner in this proposal changed (only your streams get it): refetch
   * abilities, and stop whatever the old role allowed (leading a meeting). A removed
   * member's stream ends instead.
   */
  z.object({ type: z.literal('rights'), role: roleSchema, partnerId: z.string() }),
  /**
   * The user opened more streams than one instance keeps (`limits.maxEventStreamsPerUser`):
   * this one, their oldest, ends now. The client reconnects when its tab is shown again.
   */
  z.object({ type: z.literal('superseded') }),
]);
export type StreamEvent = z.infer<typeof streamEventSchema>;

// ---------------------------------------------------------------- board

/** One assignment: the section as its owner partner's row shows it. */
export const boardCellSchema = z.object({
  sectionId: z.string(),
  status: sectionStatusSchema,
  /** The meter, 0..100. */
  score: z.number(),
  dueDate: z.string().nullable(),
  overdue: z.boolean(),
  openThreads: z.number(),
  lastActivityAt: z.string().nullable(),
});
export type BoardCell = z.infer<typeof boardCellSchema>;

const blockerCount = z.number().int().nonnegative();

/**
 * What blocks submission, as a code with parameters (never prose): the client
 * names the section from `sectionId` (number and title) and renders the rest.
 */
export const boardBlockerSchema = z.discriminatedUnion('kind', [
  /** The section is not approved, final or not applicable. */
  z.object({ kind: z.literal('status'), sectionId: z.string(), params: z.object({ status: sectionStatusSchema }) }),
  /** Flagged blocked; `reason` is what the member wrote. */
  z.object({ kind: z.literal('blocked'), sectionId: z.string(), params: z.object({ reason: z.string() }) }),
  z.object({ kind: z.literal('threads'), sectionId: z.string(), params: z.object({ count: blockerCount }) }),
  z.object({ kind: z.literal('over_limit'), sectionId: z.string(), params: z.object({ over: blockerCount, max: blockerCount }) }),
  z.object({ kind: z.literal('partners'), sectionId: z.null(), params: z.object({ min: blockerCount, actual: blockerCount }) }),
  z.object({ kind: z.literal('countries'), sectionId: z.null(), params: z.object({ min: blockerCount, actual: blockerCount }) }),
  /** `pages` is the estimate, one decimal (about 5,000 characters a page). */
  z.object({ kind: z.literal('pages'), sectionId: z.null(), params: z.object({ pages: z.number().nonnegative(), limit: blockerCount }) }),
]);
export type BoardBlocker = z.infer<typeof boardBlockerSchema>;
export type BoardBlockerKind = BoardBlocker['kind'];

/** The counts of a section's verdicts: current "ready", current "needs changes", and stale ones (text changed since). */
export const boardVerdictsSchema = z.object({ ready: blockerCount, needsChanges: blockerCount, stale: blockerCount });

export const boardResponseSchema = z.object({
  /** The grid's columns: the sections in view, in template order, each with its reviewers' verdicts (stale ones apart, VRD5). */
  sections: z.array(z.object({ sectionId: z.string(), ownerPartnerId: z.string(), verdicts: boardVerdictsSchema })),
  /** The grid's rows: partners (with country), each with a cell per section it owns. */
  rows: z.array(
    z.object({
      partnerId: z.string(),
      name: z.string(),
      country: z.string(),
      cells: z.array(boardCellSchema),
    }),
  ),
  /** The "ready to submit" gate: empty when nothing blocks submission (always about the whole proposal). */
  blockers: z.array(boardBlockerSchema),
  readyToSubmit: z.boolean(),
});
export type BoardResponse = z.infer<typeof boardResponseSchema>;

// ---------------------------------------------------------------- snapshots

/** A named, immutable state of one section (sectionId set) or of the whole proposal. */
export const snapshotSchema = z.object({
  id: z.string(),
  /** The stored text: a manual snapshot's name as typed; data for an automatic one. People read `label`. */
  name: z.string(),
  /** The name to show, as a kind with parameters rendered in the reader's language (TPL4). */
  label: snapshotLabelSchema,
  kind: snapshotKindSchema,
  sectionId: z.string().nullable(),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  /** How many sections the snapshot holds. */
  sections: z.number(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const createSnapshotRequestSchema = z.object({ name: lineTextSchema(limits.titleMaxChars) }).strict();
export const snapshotListSchema = z.object({ snapshots: z.array(snapshotSchema) });
export const snapshotResponseSchema = z.object({ snapshot: snapshotSchema });
