import type { UpdateSectionInput } from '../../shared/schemas/domain';
import { approvalNeeds, findTransition } from '../../shared/workflow';
import { recordAudit, type AuditInput } from '../db/audit';
import { findPartnerForReference } from '../db/partners';
import { touchProposal } from '../db/proposals';
import { findSectionById, lockSection, updateSection, type SectionRow, type SectionUpdate } from '../db/sections';
import { conflict, invalid, notFound, refusal } from '../errors';
import { actionsForSectionChange, authorize, loadActor, type Actor } from '../policy';
import { insertSnapshot } from '../db/snapshots';
import type { ServerContext } from '../context';
import type { CommandContext } from './create-proposal';
import { isCurrent, mergeOnPool, type MergedState } from './pooled-state';
import { approvalSnapshotLabel } from './take-snapshot';

/**
 * One PATCH of a section: owner, due date, status, flags and checklist, in one
 * transaction on the locked row. Permission is checked before the workflow, so a
 * forbidden invalid move is 403 and an allowed invalid one 409. Each changed
 * field writes its own audit event.
 *
 * An approval snapshots the section's stored state, exactly as approved: the
 * merge runs on the work pool before the transaction (an allowed approval
 * only, checked first without locks), and the transaction, holding the row
 * lock that stops appends (the log's insert key-shares the row), stores it if
 * the log still ends at the merged seq. If edits arrived in between, the
 * transaction is rolled back and the merge taken again, up to
 * `approvalMergeAttempts` times; the last attempt merges inside the
 * transaction (on the pool, from the locked log).
 */
export async function changeSection(
  ctx: CommandContext & Pick<ServerContext, 'work'>,
  userId: string,
  sectionId: string,
  input: UpdateSectionInput,
): Promise<{ section: SectionRow; actor: Actor }> {
  let merged = input.status === 'approved' && (await mayApprove(ctx, userId, sectionId, input)) ? await mergeOnPool(ctx, ctx.db, sectionId) : null;
  for (let attempt = 1; ; attempt++) {
    try {
      return await changeSectionOnce(ctx, userId, sectionId, input, merged, attempt >= approvalMergeAttempts);
    } catch (err) {
      if (!(err instanceof StaleMerge)) throw err;
      merged = await mergeOnPool(ctx, ctx.db, sectionId);
    }
  }
}

/** Pre-merges an approval this many times at most before merging inside the transaction. */
const approvalMergeAttempts = 3;

/** The log moved between the pre-merge and the approving transaction (rolled back and retried). */
class StaleMerge extends Error {}

/** Whether the PATCH would approve the section as it stands (read without locks; the transaction checks again). */
async function mayApprove(ctx: CommandContext, userId: string, sectionId: string, input: UpdateSectionInput): Promise<boolean> {
  const section = await findSectionById(ctx.db, sectionId);
  if (!section || section.status === 'approved' || !findTransition(section.status, 'approved')) return false;
  const actor = await loadActor(ctx.db, userId, section.proposalId);
  if (!actor.membership) return false;
  try {
    for (const action of actionsForSectionChange(section, input)) authorize(actor, action, section);
  } catch {
    return false;
  }
  return true;
}

async function changeSectionOnce(
  ctx: CommandContext & Pick<ServerContext, 'work'>,
  userId: string,
  sectionId: string,
  input: UpdateSectionInput,
  premerged: MergedState | null,
  lastAttempt: boolean,
): Promise<{ section: SectionRow; actor: Actor }> {
  const result = await ctx.db.transaction(async (tx) => {
    const before = await lockSection(tx, sectionId);
    if (!before) throw notFound('Section');
    const actor = await loadActor(tx, userId, before.proposalId);
    if (!actor.membership) throw notFound('Section');
    for (const action of actionsForSectionChange(before, input)) authorize(actor, action, before);

    const next: SectionUpdate = {
      ownerPartnerId: before.ownerPartnerId,
      status: before.status,
      dueDate: before.dueDate,
      blockedReason: before.blockedReason,
      notApplicableReason: before.notApplicableReason,
      changesRequestedReason: before.changesRequestedReason,
      checklist: before.checklist,
      itemsPresent: before.itemsPresent,
    };
    const audits: Omit<AuditInput, 'proposalId' | 'sectionId' | 'actorId'>[] = [];

    if (input.ownerPartnerId !== undefined && input.ownerPartnerId !== before.ownerPartnerId) {
      const partner = await findPartnerForReference(tx, input.ownerPartnerId);
      if (!partner || partner.proposalId !== before.proposalId) throw notFound('Partner');
      next.ownerPartnerId = partner.id;
      audits.push({ action: 'section.owner_changed', data: { from: before.ownerPartnerId, to: partner.id } });
    }
    if (input.dueDate !== undefined && input.dueDate !== before.dueDate) {
      next.dueDate = input.dueDate;
      audits.push({ action: 'section.due_date_changed', data: { from: before.dueDate, to: input.dueDate } });
    }
    if (input.reason !== undefined && input.status !== 'changes_requested') {
      throw refusal('invalid_input', 'reason_not_allowed', {}, {}, 'reason');
    }
    if (input.justification !== undefined && input.status !== 'approved') throw invalid('justification', 'only_with_approval');
    if (input.status !== undefined && input.status !== before.status) {
      const step = findTransition(before.status, input.status);
      if (!step) throw conflict('status_transition', { from: before.status, to: input.status });
      if (step.needsReason && input.reason === undefined) throw refusal('invalid_input', 'reason_required', {}, {}, 'reason');
      next.status = input.status;
      next.changesRequestedReason = input.status === 'changes_requested' ? (input.reason ?? null) : null;
      audits.push({
        action: input.status === 'approved' ? 'section.approved' : 'section.status_changed',
        data: { from: before.status, to: input.status, ...(input.reason !== undefined ? { reason: input.reason } : {}) },
      });
    }
    if (input.blocked !== undefined) {
      const reason = input.blocked?.reason ?? null;
      if (reason !== before.blockedReason) {
        next.blockedReason = reason;
        audits.push(reason === null ? { action: 'section.unblocked', data: {} } : { action: 'section.blocked', data: { reason } });
      }
    }
    if (input.notApplicable !== undefined) {
      const justification = input.notApplicable?.justification ?? null;
      if (justification !== before.notApplicableReason) {
        next.notApplicableReason = justification;
        audits.push(justification === null ? { action: 'section.applicable', data: {} } : { action: 'section.not_applicable', data: { justification } });
      }
    }
    if (input.checklist !== undefined) {
      const checklist = [...new Set(input.checklist)].sort((a, b) => a - b);
      const bad = checklist.find((i) => i >= before.guidance.length);
      if (bad !== undefined) throw refusal('invalid_input', 'checklist_prompt_unknown', { index: bad, count: before.guidance.length }, {}, 'checklist');
      if (JSON.stringify(checklist) !== JSON.stringify(before.checklist)) {
        next.checklist = checklist;
        audits.push({ action: 'section.checklist_changed', data: { from: before.checklist, to: checklist } });
      }
    }

    if (input.itemsPresent !== undefined) {
      const known = new Set(before.requiredItems.map((r) => r.key));
      const items = [...new Set(input.itemsPresent)].sort();
      const bad = items.find((k) => !known.has(k));
      if (bad !== undefined) throw refusal('invalid_input', 'required_item_unknown', { item: bad }, {}, 'itemsPresent');
      if (JSON.stringify(items) !== JSON.stringify([...before.itemsPresent].sort())) {
        next.itemsPresent = items;
        audits.push({ action: 'section.items_changed', data: { from: before.itemsPresent, to: items } });
      }
    }

    if (audits.length === 0) return { section: before, actor, changed: false };
    const section = await updateSection(tx, sectionId, next);
    if (next.status === 'approved' && before.status !== 'approved') {
      // The approval snapshot: the section's stored Yjs state as the locked row holds it (no append can pass the lock, and after commit none is accepted).
      let state = premerged && (await isCurrent(tx, premerged)) ? premerged : null;
      if (!state && !lastAttempt) throw new StaleMerge();
      state ??= await mergeOnPool(ctx, tx, sectionId);
      const snapshotId = await insertSnapshot(tx, {
        proposalId: before.proposalId,
        sectionId,
        label: approvalSnapshotLabel(before),
        kind: 'approval',
        createdBy: userId,
        states: [{ sectionId, state: state.state, chars: state.chars }],
      });
      // VRD9: under minChars or with open required items, the coordinator says why (stored in the audit event).
      const needs = approvalNeeds({ ...before, notApplicable: before.notApplicableReason !== null }, state.chars);
      if (needs && input.justification === undefined) throw conflict('approval_needs_justification', { ...needs });
      const justification = input.justification !== undefined ? { justification: input.justification } : {};
      for (const a of audits) if (a.action === 'section.approved') a.data = { ...a.data, snapshotId, ...justification };
    }
    for (const a of audits) await recordAudit(tx, { ...a, proposalId: before.proposalId, sectionId, actorId: userId });
    await touchProposal(tx, before.proposalId);
    return { section, actor, changed: true };
  });
  if (result.changed) ctx.events.publish({ type: 'section.changed', proposalId: result.section.proposalId, sectionId });
  return { section: result.section, actor: result.actor };
}
