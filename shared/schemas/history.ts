import { z } from 'zod';
import { limits } from '../limits';
import { idSchema, lineTextSchema } from './common';
import { sectionSchema } from './domain';

/**
 * History, meetings and the projector: opening a snapshot read-only, restoring
 * a section, "what changed since" diffs attributed to people and partners, and
 * workshop meetings whose projector view follows the facilitator.
 */

// ---------------------------------------------------------------- reading a snapshot

/** A section's content as plain blocks, for read-only views of snapshots and diffs. */
export const textBlockSchema = z.object({
  /** paragraph, heading, listItem, tableCell, ... */
  kind: z.string(),
  level: z.number().nullable(),
  text: z.string(),
});
export type TextBlock = z.infer<typeof textBlockSchema>;

/** GET /api/snapshots/:id/sections/:sectionId */
export const snapshotSectionResponseSchema = z.object({
  snapshotId: z.string(),
  sectionId: z.string(),
  chars: z.number(),
  blocks: z.array(textBlockSchema),
});

/** How a snapshot came to be. `before_restore`: a restore took it automatically, and its `name` is the restored snapshot's name (the client shows "Before restoring <name>"). */
export const snapshotKindSchema = z.enum(['manual', 'approval', 'submission', 'meeting', 'before_restore']);

/**
 * A snapshot's name as a kind with parameters (TPL4), never an English sentence:
 * the client renders it in the reader's language. `manual` is the taker's own
 * text, shown as typed. Parameters are data (section number and title, the
 * proposal title, the meeting name).
 */
const namedSnapshotLabelSchemas = [
  z.object({ kind: z.literal('manual'), params: z.object({ name: z.string() }) }),
  /** Taken when the section was approved. */
  z.object({ kind: z.literal('approval'), params: z.object({ number: z.string(), title: z.string() }) }),
  /** The whole proposal as submitted. */
  z.object({ kind: z.literal('submission'), params: z.object({ title: z.string() }) }),
  z.object({ kind: z.literal('meeting_start'), params: z.object({ meeting: z.string() }) }),
  z.object({ kind: z.literal('meeting_end'), params: z.object({ meeting: z.string() }) }),
  /** The section as it was before an operator's depth repair (SEC10). */
  z.object({ kind: z.literal('before_repair'), params: z.object({}) }),
] as const;
export const restorableSnapshotLabelSchema = z.discriminatedUnion('kind', namedSnapshotLabelSchemas);
export const snapshotLabelSchema = z.discriminatedUnion('kind', [
  ...namedSnapshotLabelSchemas,
  /** The live text a restore replaced; `restored` names the snapshot restored (a restore of such a backup names the backup's own `restored`). */
  z.object({ kind: z.literal('before_restore'), params: z.object({}), restored: restorableSnapshotLabelSchema }),
]);
export type SnapshotLabel = z.infer<typeof snapshotLabelSchema>;
export type RestorableSnapshotLabel = z.infer<typeof restorableSnapshotLabelSchema>;

/**
 * POST /api/sections/:id/restore {snapshotId} → 200 {section, backupSnapshotId}: a forward
 * edit everyone sees live. First, the live text it replaces is kept as an automatic section
 * snapshot (kind `before_restore`, named with the restored snapshot's name: the client shows
 * "Before restoring <name>"), whose id is `backupSnapshotId`.
 */
export const restoreRequestSchema = z.object({ snapshotId: idSchema }).strict();
export const restoreResponseSchema = z.object({ section: sectionSchema, backupSnapshotId: z.string() });

/**
 * The proposal event stream's `restored` event: `by` restored section `sectionId` to snapshot
 * `snapshotId` (`snapshotLabel`); the text it replaced is in snapshot `backupSnapshotId`.
 * Open editors of the section show a banner from it. Ids and names only, never a sentence.
 */
export const restoredEventSchema = z.object({
  type: z.literal('restored'),
  sectionId: z.string(),
  snapshotId: z.string(),
  /** The restored snapshot's name (TPL4), rendered in the reader's language. */
  snapshotLabel: snapshotLabelSchema,
  backupSnapshotId: z.string(),
  by: z.object({ id: z.string(), name: z.string() }),
});
export type RestoredEvent = z.infer<typeof restoredEventSchema>;

// ---------------------------------------------------------------- diffs

export const changeAuthorSchema = z.object({
  userId: z.string().nullable(),
  name: z.string(),
  partnerId: z.string().nullable(),
  partnerName: z.string().nullable(),
  country: z.string().nullable(),
});
export type ChangeAuthor = z.infer<typeof changeAuthorSchema>;

/** One run of a word-level diff: unchanged text, or an insertion or deletion by someone. */
export const diffRunSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('same'), text: z.string() }),
  z.object({ op: z.literal('insert'), text: z.string(), author: changeAuthorSchema }),
  z.object({ op: z.literal('delete'), text: z.string(), author: changeAuthorSchema }),
]);
export type DiffRun = z.infer<typeof diffRunSchema>;

export const partnerContributionSchema = z.object({
  partnerId: z.string().nullable(),
  partnerName: z.string().nullable(),
  country: z.string().nullable(),
  insertedChars: z.number(),
  deletedChars: z.number(),
  people: z.array(z.object({ userId: z.string().nullable(), name: z.string(), insertedChars: z.number(), deletedChars: z.number() })),
});
export type PartnerContribution = z.infer<typeof partnerContributionSchema>;

export const sectionDiffSchema = z.object({
  sectionId: z.string(),
  number: z.string(),
  title: z.string(),
  /** Diff runs per block, in document order. */
  runs: z.array(diffRunSchema),
  byPartner: z.array(partnerContributionSchema),
  changed: z.boolean(),
});
export type SectionDiff = z.infer<typeof sectionDiffSchema>;

/** GET /api/sections/:id/changes?since=<snapshotId> and GET /api/proposals/:id/changes?since=<snapshotId>[&until=<snapshotId>] */
export const changesQuerySchema = z.object({ since: idSchema, until: idSchema.optional() }).strict();
export const sectionChangesResponseSchema = z.object({ since: z.string(), until: z.string().nullable(), section: sectionDiffSchema });
export const proposalChangesResponseSchema = z.object({
  since: z.string(),
  until: z.string().nullable(),
  sections: z.array(sectionDiffSchema),
  byPartner: z.array(partnerContributionSchema),
});
export type ProposalChanges = z.infer<typeof proposalChangesResponseSchema>;

// ---------------------------------------------------------------- meetings and the projector

export const createMeetingRequestSchema = z
  .object({
    name: lineTextSchema(limits.titleMaxChars),
    city: lineTextSchema(limits.nameMaxChars),
    date: z.iso.date(),
  })
  .strict();

export const meetingSchema = z.object({
  id: z.string(),
  proposalId: z.string(),
  name: z.string(),
  city: z.string(),
  date: z.string(),
  facilitator: z.object({ id: z.string(), name: z.string() }),
  startSnapshotId: z.string(),
  endSnapshotId: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** Where the facilitator is: the projector follows it. */
  focus: z.object({ sectionId: z.string().nullable(), scroll: z.number() }),
});
export type Meeting = z.infer<typeof meetingSchema>;
export const meetingResponseSchema = z.object({ meeting: meetingSchema });
/** GET /api/proposals/:id/meetings → every meeting, the open one (if any) first. */
export const meetingListSchema = z.object({ meetings: z.array(meetingSchema) });

/** POST /api/meetings/:id/focus — the facilitator's section and scroll position (0..1). Throttle on the client. */
export const focusRequestSchema = z.object({ sectionId: idSchema.nullable(), scroll: z.number().min(0).max(1) }).strict();
