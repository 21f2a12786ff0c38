import type { GiveVerdictInput, VerdictRow } from '../../shared/schemas/verdicts';
import { takesVerdicts } from '../../shared/workflow';
import { recordAudit } from '../db/audit';
import { lockSection } from '../db/sections';
import { deleteVerdict, upsertVerdict, verdictsBySection } from '../db/verdicts';
import { AppError, conflict, notFound } from '../errors';
import { can, loadActor } from '../policy';
import { storedDocChars } from '../section-stats';
import type { CommandContext } from './create-proposal';

/**
 * Verdicts (VRD1-VRD4): a member whose partner does not own the section says
 * "ready" or "needs changes", with an optional note. One transaction on the
 * locked section row, with its audit event; the verdict never changes the status.
 */

/** 404 for a non-member, 403 `verdict_own_section` for the owner partner's members, 409 `verdict_section_closed` by status. */
export async function giveVerdict(ctx: CommandContext, userId: string, sectionId: string, input: GiveVerdictInput): Promise<VerdictRow> {
  // The basis: the characters of the stored text now (read before the transaction: a merge of the log).
  const basisChars = await storedDocChars(ctx.db, sectionId);
  const result = await ctx.db.transaction(async (tx) => {
    const section = await lockSection(tx, sectionId);
    if (!section) throw notFound('Section');
    const actor = await loadActor(tx, userId, section.proposalId);
    if (!actor.membership) throw notFound('Section');
    if (!can(actor, 'section.verdict', section)) throw new AppError('forbidden', 'verdict_own_section');
    if (!takesVerdicts(section.status)) throw conflict('verdict_section_closed', { status: section.status });
    const note = input.note ?? null;
    const { previous } = await upsertVerdict(tx, { sectionId, userId, verdict: input.verdict, note, basisChars });
    await recordAudit(tx, {
      proposalId: section.proposalId,
      sectionId,
      actorId: userId,
      action: 'section.verdict_given',
      data: { verdict: input.verdict, previous, ...(note !== null ? { note } : {}) },
    });
    const mine = (await verdictsBySection(tx, sectionId)).find((v) => v.userId === userId);
    if (!mine) throw new Error('the verdict just given was not read back');
    return { proposalId: section.proposalId, verdict: mine };
  });
  ctx.events.publish({ type: 'verdicts.changed', proposalId: result.proposalId, sectionId });
  return result.verdict;
}

/** The giver withdraws their verdict (any status); 204 whether or not there was one. 404 for a non-member. */
export async function withdrawVerdict(ctx: CommandContext, userId: string, sectionId: string): Promise<void> {
  const result = await ctx.db.transaction(async (tx) => {
    const section = await lockSection(tx, sectionId);
    if (!section) throw notFound('Section');
    const actor = await loadActor(tx, userId, section.proposalId);
    if (!actor.membership) throw notFound('Section');
    const was = await deleteVerdict(tx, sectionId, userId);
    if (was === null) return null;
    await recordAudit(tx, { proposalId: section.proposalId, sectionId, actorId: userId, action: 'section.verdict_withdrawn', data: { verdict: was } });
    return section.proposalId;
  });
  if (result !== null) ctx.events.publish({ type: 'verdicts.changed', proposalId: result, sectionId });
}
