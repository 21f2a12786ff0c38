import type { PartnerInput, UpdatePartnerInput } from '../../shared/schemas/domain';
import type { DomainEvent } from '../events';
import { recordAudit } from '../db/audit';
import { deletePartner, insertPartner, lockPartner, partnerUsage, updatePartner, type PartnerRow } from '../db/partners';
import { findProposalById, touchProposal } from '../db/proposals';
import { conflict, notFound } from '../errors';
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

/** Removes a partner that is not the lead and owns no section and has no members. */
export async function removePartner(ctx: CommandContext, userId: string, partnerId: string): Promise<void> {
  const event = await ctx.db.transaction(async (tx): Promise<DomainEvent> => {
    const partner = await lockPartner(tx, partnerId);
    if (!partner) throw notFound('Partner');
    const actor = await loadActor(tx, userId, partner.proposalId);
    if (!actor.membership) throw notFound('Partner');
    authorize(actor, 'proposal.manage');
    if (partner.isLead) throw conflict('The lead partner cannot be removed');
    const usage = await partnerUsage(tx, partnerId);
    if (usage.sections > 0) throw conflict(`The partner still owns ${usage.sections} section(s); reassign them first`);
    if (usage.members > 0) throw conflict(`The partner still has ${usage.members} member(s); move or remove them first`);
    await deletePartner(tx, partnerId);
    await recordAudit(tx, { proposalId: partner.proposalId, actorId: userId, action: 'partner.removed', data: { partnerId, name: partner.name } });
    await touchProposal(tx, partner.proposalId);
    return { type: 'partner.changed', proposalId: partner.proposalId, partnerId };
  });
  ctx.events.publish(event);
}

