import { findTemplate } from '../../shared/templates';
import { buildBoard } from '../board';
import { recordAudit } from '../db/audit';
import { openThreadCounts } from '../db/comments';
import { listPartners } from '../db/partners';
import { findProposalById, touchProposal, type ProposalRow } from '../db/proposals';
import { listSections, lockProposalSections, updateSection, type SectionRow } from '../db/sections';
import { findSnapshot, insertSnapshot, type SnapshotRow } from '../db/snapshots';
import { conflict, notFound } from '../errors';
import { authorize, loadActor } from '../policy';
import { storedCharCounts } from '../section-stats';
import type { CommandContext } from './create-proposal';
import type { ServerContext } from '../context';
import type { Sql } from '../db/sql';
import { currentState, mergeOnPool, type MergedState } from './pooled-state';

/**
 * Submitting the proposal (coordinator only): allowed only when the board's
 * "ready to submit" gate has no blockers (else 409 naming them). Every
 * approved section becomes final, and a 'submission' snapshot of the whole
 * proposal is taken, in one transaction.
 *
 * The snapshot's merges run on the work pool before that transaction (for a
 * submission that, read without locks, would go ahead); the transaction, once
 * it holds every section's row (no append passes it), keeps each pre-merged
 * state whose log still ends at the merged seq and merges the others again on
 * the pool from the locked log.
 */
export async function submitProposal(ctx: CommandContext & Pick<ServerContext, 'work'>, userId: string, proposalId: string): Promise<SnapshotRow> {
  // Checked first without locks (the transaction checks again): only a submission that would go ahead merges anything.
  const merged = new Map<string, MergedState>();
  if (await maySubmit(ctx, userId, proposalId)) {
    for (const s of await listSections(ctx.db, proposalId)) merged.set(s.id, await mergeOnPool(ctx, ctx.db, s.id));
  }
  const { snapshotId, finalised } = await ctx.db.transaction(async (tx) => {
    const proposal = await findProposalById(tx, proposalId);
    if (!proposal) throw notFound('Proposal');
    authorize(await loadActor(tx, userId, proposalId), 'section.review');
    // In id order, as the log append locks them: a submit cannot deadlock with a batch of keystrokes (WSH20).
    await lockProposalSections(tx, proposalId);
    const sections = await listSections(tx, proposalId);
    const board = await submissionBoard(ctx, tx, proposal, sections);
    if (!board.readyToSubmit) throw conflict('not_ready_to_submit', { count: board.blockers.length });
    const finalised: string[] = [];
    for (const s of sections) {
      if (s.status !== 'approved') continue;
      await updateSection(tx, s.id, { ...s, status: 'final' });
      await recordAudit(tx, { proposalId, sectionId: s.id, actorId: userId, action: 'section.status_changed', data: { from: 'approved', to: 'final' } });
      finalised.push(s.id);
    }
    // Each section's state as the locks hold it (no append passes them): the pre-merged one if its log has not moved since, else merged again from the locked log.
    const states: MergedState[] = [];
    for (const s of sections) {
      const pre = merged.get(s.id);
      states.push(pre ? await currentState(ctx, tx, pre) : await mergeOnPool(ctx, tx, s.id));
    }
    const snapshotId = await insertSnapshot(tx, {
      proposalId,
      label: { kind: 'submission', params: { title: proposal.title } },
      kind: 'submission',
      sectionId: null,
      createdBy: userId,
      states: states.map(({ sectionId, state, chars }) => ({ sectionId, state, chars })),
    });
    await recordAudit(tx, { proposalId, actorId: userId, action: 'proposal.submitted', data: { snapshotId } });
    await touchProposal(tx, proposalId);
    return { snapshotId, finalised };
  });
  for (const sectionId of finalised) ctx.events.publish({ type: 'section.changed', proposalId, sectionId });
  const row = await findSnapshot(ctx.db, snapshotId);
  if (!row) throw new Error('snapshot vanished');
  return row;
}

/** The board's submission gate over the proposal's sections (read on `db`). */
async function submissionBoard(ctx: CommandContext, db: Sql, proposal: ProposalRow, sections: SectionRow[]) {
  const stats = await storedCharCounts(db, proposal.id);
  return buildBoard({
    sections,
    partners: await listPartners(db, proposal.id),
    rules: findTemplate(proposal.templateId)?.rules ?? { minPartners: 0, minCountries: 0, pageLimit: 0 },
    chars: new Map([...stats].map(([k, v]) => [k, v.chars])),
    openThreads: await openThreadCounts(db, proposal.id),
    lastActivity: new Map(),
    today: ctx.clock().toISOString().slice(0, 10),
  });
}

/** Whether the caller may submit and nothing blocks it (read without locks). */
async function maySubmit(ctx: CommandContext, userId: string, proposalId: string): Promise<boolean> {
  const proposal = await findProposalById(ctx.db, proposalId);
  if (!proposal) return false;
  try {
    authorize(await loadActor(ctx.db, userId, proposalId), 'section.review');
  } catch {
    return false;
  }
  return (await submissionBoard(ctx, ctx.db, proposal, await listSections(ctx.db, proposalId))).readyToSubmit;
}
