import type { z } from 'zod';
import type { createMeetingRequestSchema, focusRequestSchema } from '../../shared/schemas/history';
import { recordAudit } from '../db/audit';
import { endMeeting, findMeeting, insertMeeting, openMeetingOf, setMeetingFocus, type MeetingRow } from '../db/meetings';
import { findProposalById } from '../db/proposals';
import { findSectionById } from '../db/sections';
import type { SnapshotLabel } from '../../shared/schemas/history';
import { insertSnapshot } from '../db/snapshots';
import type { Sql } from '../db/sql';
import type { ServerContext } from '../context';
import { conflict, notFound, refusal } from '../errors';
import { authorize, canLeadMeeting, loadActor, requireMember } from '../policy';
import { proposalStates, type SectionState } from './take-snapshot';
import type { CommandContext } from './create-proposal';

/**
 * Workshop meetings: the coordinator starts one (a 'meeting' snapshot of the
 * whole proposal; at most one open meeting per proposal, else 409) and ends it
 * (a second snapshot). The snapshots are merged on the work pool before their
 * short transaction; they do not count toward the manual snapshot limits. The
 * facilitator (who started it) moves the focus that projectors follow. Start
 * and end publish `meeting.changed`, focus `meeting.focus`.
 */

type CreateMeeting = z.infer<typeof createMeetingRequestSchema>;
type Focus = z.infer<typeof focusRequestSchema>;

/** Stores a meeting snapshot of states merged beforehand (proposalStates: on the work pool, outside the transaction). */
async function insertMeetingSnapshot(tx: Sql, proposalId: string, label: SnapshotLabel, userId: string, states: readonly SectionState[]): Promise<string> {
  return insertSnapshot(tx, { proposalId, label, kind: 'meeting', sectionId: null, createdBy: userId, states });
}

/** Meeting commands reach the work pool too: their snapshots are merged there (automatic snapshots: never refused for load). */
type MeetingContext = CommandContext & Pick<ServerContext, 'work'>;

const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';

export async function startMeeting(ctx: MeetingContext, userId: string, proposalId: string, input: CreateMeeting): Promise<MeetingRow> {
  // Refused before the snapshot's work, then checked again where it is stored.
  if (!(await findProposalById(ctx.db, proposalId))) throw notFound('Proposal');
  authorize(await loadActor(ctx.db, userId, proposalId), 'proposal.manage');
  if (await openMeetingOf(ctx.db, proposalId)) throw conflict('meeting_open');
  const states = await proposalStates(ctx, proposalId);
  let id: string;
  try {
    id = await ctx.db.transaction(async (tx) => {
      if (!(await findProposalById(tx, proposalId))) throw notFound('Proposal');
      authorize(await loadActor(tx, userId, proposalId), 'proposal.manage');
      if (await openMeetingOf(tx, proposalId)) throw conflict('meeting_open');
      const startSnapshotId = await insertMeetingSnapshot(tx, proposalId, { kind: 'meeting_start', params: { meeting: input.name } }, userId, states);
      const meetingId = await insertMeeting(tx, { proposalId, ...input, facilitatorId: userId, startSnapshotId });
      await recordAudit(tx, { proposalId, actorId: userId, action: 'meeting.started', data: { meetingId, name: input.name, city: input.city, date: input.date } });
      return meetingId;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('meeting_open');
    throw err;
  }
  ctx.events.publish({ type: 'meeting.changed', proposalId, meetingId: id });
  return (await findMeeting(ctx.db, id))!;
}

/** The meeting, 404 unless `userId` is a member of its proposal. */
export async function memberMeeting(db: Sql, userId: string, meetingId: string): Promise<MeetingRow> {
  const meeting = await findMeeting(db, meetingId);
  if (!meeting) throw notFound('Meeting');
  requireMember(await loadActor(db, userId, meeting.proposalId), 'Meeting');
  return meeting;
}

export async function finishMeeting(ctx: MeetingContext, userId: string, meetingId: string): Promise<MeetingRow> {
  const meeting = await memberMeeting(ctx.db, userId, meetingId);
  authorize(await loadActor(ctx.db, userId, meeting.proposalId), 'proposal.manage');
  if (meeting.endedAt) throw conflict('meeting_ended');
  const states = await proposalStates(ctx, meeting.proposalId);
  await ctx.db.transaction(async (tx) => {
    authorize(await loadActor(tx, userId, meeting.proposalId), 'proposal.manage');
    const locked = await findMeeting(tx, meetingId, true);
    if (!locked || locked.endedAt) throw conflict('meeting_ended');
    const endSnapshotId = await insertMeetingSnapshot(tx, meeting.proposalId, { kind: 'meeting_end', params: { meeting: meeting.name } }, userId, states);
    await endMeeting(tx, meetingId, endSnapshotId);
    await recordAudit(tx, { proposalId: meeting.proposalId, actorId: userId, action: 'meeting.ended', data: { meetingId, name: meeting.name } });
  });
  ctx.events.publish({ type: 'meeting.changed', proposalId: meeting.proposalId, meetingId });
  return (await findMeeting(ctx.db, meetingId))!;
}

/** The facilitator only (403 for other members); the meeting must be open (409) and the section of its proposal (404). */
export async function moveFocus(ctx: CommandContext, userId: string, meetingId: string, focus: Focus): Promise<void> {
  const meeting = await findMeeting(ctx.db, meetingId);
  if (!meeting) throw notFound('Meeting');
  const actor = await loadActor(ctx.db, userId, meeting.proposalId);
  requireMember(actor, 'Meeting');
  if (!canLeadMeeting(actor, meeting)) throw refusal('forbidden', 'not_facilitator', {});
  if (meeting.endedAt) throw conflict('meeting_ended');
  if (focus.sectionId) {
    const section = await findSectionById(ctx.db, focus.sectionId);
    if (!section || section.proposalId !== meeting.proposalId) throw notFound('Section');
  }
  await setMeetingFocus(ctx.db, meetingId, focus.sectionId, focus.scroll);
  ctx.events.publish({ type: 'meeting.focus', proposalId: meeting.proposalId, meetingId, sectionId: focus.sectionId, scroll: focus.scroll });
}
