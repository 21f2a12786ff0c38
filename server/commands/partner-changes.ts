import type { PartnerInput, UpdatePartnerInput } from '../../shared/schemas/domain';
import type { RemovePartnerInput } from '../../shared/schemas/partners';
import type { DomainEvent } from '../events';
import type { Sql } from '../db/sql';
import { recordAudit } from '../db/audit';
import { lockCoordinators } from '../db/members';
import {
  deletePartner,
  findPartnerById,
  findPartnerForReference,
  insertPartner,
  lockPartner,
  movePartnerMembers,
  removePartnerMembers,
  partnerUsage,
  reassignPartnerSections,
  updatePartner,
  type PartnerRow,
} from '../db/partners';
import { lockProposalSections } from '../db/sections';
import { findProposalById, touchProposal } from '../db/proposals';
import { conflict, invalid, notFound } from '../errors';
import { authorize, loadActor } from '../policy';
import type { CommandContext } from './create-proposal';

/** Adds a partner organisation (coordinator only). */
export async function addPartner(ctx: CommandContext, userId: string, proposalId: string, input: PartnerInput): Promise<PartnerRow> {
  const partner = await ctx.db.transaction(async (tx) => {
    if (!(await findProposalById(tx, proposalId))) throw notFound('Proposal');
    authorize(await loadActor(tx, userId, proposalId), 'proposal.manage');
    const row = await insertPartner(tx, {
      proposalId,
      name: input.name,
      town: input.town,
      country: input.country,
      kind: input.kind ?? 'municipality',
      isLead: false,
    });
    await recordAudit(tx, { proposalId, actorId: userId, action: 'partner.added', data: { partnerId: row.id, name: row.name, town: row.town, country: row.country } });
    await touchProposal(tx, proposalId);
    return row;
  });
  ctx.events.publish({ type: 'partner.changed', proposalId, partnerId: partner.id });
  return partner;
}

/** Renames a partner, or changes its town, country or kind. */
export async function changePartner(ctx: CommandContext, userId: string, partnerId: string, input: UpdatePartnerInput): Promise<PartnerRow> {
  const partner = await ctx.db.transaction(async (tx) => {
    const before = await lockPartner(tx, partnerId);
    if (!before) throw notFound('Partner');
    const actor = await loadActor(tx, userId, before.proposalId);
    if (!actor.membership) throw notFound('Partner');
    authorize(actor, 'proposal.manage');
    const after = await updatePartner(tx, partnerId, {
      name: input.name ?? before.name,
      town: input.town ?? before.town,
      country: input.country ?? before.country,
      kind: input.kind ?? before.kind,
    });
    const changes: Record<string, { from: string; to: string }> = {};
    for (const k of ['name', 'town', 'country', 'kind'] as const) {
      if (before[k] !== after[k]) changes[k] = { from: before[k], to: after[k] };
    }
    await recordAudit(tx, { proposalId: before.proposalId, actorId: userId, action: 'partner.updated', data: { partnerId, changes } });
    await touchProposal(tx, before.proposalId);
    return after;
  });
  ctx.events.publish({ type: 'partner.changed', proposalId: partner.proposalId, partnerId });
  return partner;
}

/**
 * The partner's members move to `to` or leave the proposal, each audited; never the
 * last coordinator (the coordinator rows are locked by the caller). Returns their ids.
 */
async function handOverMembers(
  tx: Sql,
  o: { proposalId: string; actorId: string; from: string; to: string | null; how: RemovePartnerInput['members'] },
): Promise<string[]> {
  switch (o.how) {
    case undefined:
      return [];
    case 'move': {
      if (o.to === null) throw invalid('members', 'needs_reassign_to');
      const ids = await movePartnerMembers(tx, o.from, o.to);
      for (const id of ids) {
        await recordAudit(tx, { proposalId: o.proposalId, actorId: o.actorId, action: 'member.updated', data: { userId: id, partnerId: { from: o.from, to: o.to } } });
      }
      return ids;
    }
    case 'remove': {
      const leaving = await removePartnerMembers(tx, o.from);
      const coordinators = await lockCoordinators(tx, o.proposalId);
      if (leaving.some((m) => m.role === 'coordinator') && coordinators.length === 0) throw conflict('last_coordinator', { change: 'removed' });
      for (const m of leaving) {
        await recordAudit(tx, { proposalId: o.proposalId, actorId: o.actorId, action: 'member.removed', data: { userId: m.userId, name: m.name, role: m.role, partnerId: o.from } });
      }
      return leaving.map((m) => m.userId);
    }
    default: {
      const never: never = o.how;
      throw new Error(`unknown hand-over ${String(never)}`);
    }
  }
}

/**
 * Removes a partner (not the lead). One that owns sections or has members is removed
 * only with `reassignTo` and `members`: its sections go to that partner and its members
 * move there or leave, in the same transaction, each with its audit event; the sockets
 * of the handed-over sections and of those members re-check their rights after commit
 * (CTRY5).
 */
export async function removePartner(ctx: CommandContext, userId: string, partnerId: string, input: RemovePartnerInput = {}): Promise<void> {
  const events = await ctx.db.transaction(async (tx): Promise<DomainEvent[]> => {
    const found = await findPartnerById(tx, partnerId);
    if (!found) throw notFound('Partner');
    const proposalId = found.proposalId;
    const actor = await loadActor(tx, userId, proposalId);
    if (!actor.membership) throw notFound('Partner');
    authorize(actor, 'proposal.manage');
    // Lock order: the proposal's sections (id order, as the log append and a submission
    // take them), the coordinators (as member changes take them), then the partner; so a
    // concurrent owner or member change waits here instead of deadlocking.
    await lockProposalSections(tx, proposalId);
    await lockCoordinators(tx, proposalId);
    const partner = await lockPartner(tx, partnerId);
    if (!partner) throw notFound('Partner');
    if (partner.isLead) throw conflict('lead_partner');
    const usage = await partnerUsage(tx, partnerId);
    if (usage.sections > 0 && input.reassignTo === undefined) throw conflict('partner_owns_sections', { count: usage.sections, members: usage.members });
    if (input.reassignTo === partnerId) throw invalid('reassignTo', 'same_partner');
    if (usage.members > 0 && input.members === undefined) throw conflict('partner_has_members', { count: usage.members });
    const to = input.reassignTo === undefined ? null : await findPartnerForReference(tx, input.reassignTo);
    if (input.reassignTo !== undefined && (!to || to.proposalId !== proposalId)) throw notFound('Partner');

    const sectionIds = to ? await reassignPartnerSections(tx, partnerId, to.id) : [];
    for (const sectionId of sectionIds) {
      await recordAudit(tx, { proposalId, sectionId, actorId: userId, action: 'section.owner_changed', data: { from: partnerId, to: to?.id ?? null } });
    }
    const memberIds = await handOverMembers(tx, { proposalId, actorId: userId, from: partnerId, to: to?.id ?? null, how: input.members });
    await deletePartner(tx, partnerId);
    await recordAudit(tx, {
      proposalId,
      actorId: userId,
      action: 'partner.removed',
      data: { partnerId, name: partner.name, reassignedSections: sectionIds.length, movedMembers: memberIds.length, to: to?.id ?? null, toName: to?.name ?? null },
    });
    await touchProposal(tx, proposalId);
    return [
      { type: 'partner.changed', proposalId, partnerId },
      ...sectionIds.map((sectionId): DomainEvent => ({ type: 'section.changed', proposalId, sectionId })),
      ...memberIds.map((memberId): DomainEvent => ({ type: 'member.changed', proposalId, userId: memberId })),
    ];
  });
  for (const event of events) ctx.events.publish(event);
}
