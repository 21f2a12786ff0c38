import { findTemplate } from '../../shared/templates';
import { buildBoard } from '../board';
import { recordAudit } from '../db/audit';
import { openThreadCounts } from '../db/comments';
import { listPartners } from '../db/partners';
import { findProposalById, touchProposal } from '../db/proposals';
import { listSections, lockProposalSections, updateSection } from '../db/sections';
import { findSnapshot, insertSnapshot, type SnapshotRow } from '../db/snapshots';
import { conflict, notFound } from '../errors';
import { authorize, loadActor } from '../policy';
import { storedCharCounts } from '../section-stats';
import type { CommandContext } from './create-proposal';
import { storedSectionState } from './take-snapshot';

/**
 * Submitting the proposal (coordinator only): allowed only when the board's
 * "ready to submit" gate has no blockers (else 409 naming them). Every
 * approved section becomes final, and a 'submission' snapshot of the whole
 * proposal is taken, in one transaction.
 */
export async function submitProposal(ctx: CommandContext, userId: string, proposalId: string): Promise<SnapshotRow> {
  const { snapshotId, finalised } = await ctx.db.transaction(async (tx) => {
    const proposal = await findProposalById(tx, proposalId);
    if (!proposal) throw notFound('Proposal');
    authorize(await loadActor(tx, userId, proposalId), 'section.review');
    // In id order, as the log append locks them: a submit cannot deadlock with a batch of keystrokes (WSH20).
    await lockProposalSections(tx, proposalId);
    const sections = await listSections(tx, proposalId);
    const stats = await storedCharCounts(tx, proposalId);
    const board = buildBoard({
      sections,
      partners: await listPartners(tx, proposalId),
      rules: findTemplate(proposal.templateId)?.rules ?? { minPartners: 0, minCountries: 0, pageLimit: 0 },
      chars: new Map([...stats].map(([k, v]) => [k, v.chars])),
      openThreads: await openThreadCounts(tx, proposalId),
      lastActivity: new Map(),
      today: ctx.clock().toISOString().slice(0, 10),
    });
    if (!board.readyToSubmit) throw conflict(`Not ready to submit: ${board.blockers.map((b) => b.message).join('; ')}`);
    const finalised: string[] = [];
    for (const s of sections) {
      if (s.status !== 'approved') continue;
      await updateSection(tx, s.id, { ...s, status: 'final' });
      await recordAudit(tx, { proposalId, sectionId: s.id, actorId: userId, action: 'section.status_changed', data: { from: 'approved', to: 'final' } });
      finalised.push(s.id);
    }
    const states = [];
    for (const s of sections) states.push({ sectionId: s.id, ...(await storedSectionState(tx, s.id)) });
    const snapshotId = await insertSnapshot(tx, { proposalId, name: `Submitted: ${proposal.title}`.slice(0, 200), kind: 'submission', sectionId: null, createdBy: userId, states });
    await recordAudit(tx, { proposalId, actorId: userId, action: 'proposal.submitted', data: { snapshotId } });
    await touchProposal(tx, proposalId);
    return { snapshotId, finalised };
  });
  for (const sectionId of finalised) ctx.events.publish({ type: 'section.changed', proposalId, sectionId });
  const row = await findSnapshot(ctx.db, snapshotId);
  if (!row) throw new Error('snapshot vanished');
  return row;
}
