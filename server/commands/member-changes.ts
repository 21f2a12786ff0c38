import type { UpdateMemberInput } from '../../shared/schemas/domain';
import { recordAudit } from '../db/audit';
import { deleteMember, findMember, lockCoordinators, updateMember, type MemberRow } from '../db/members';
import { findPartnerForReference } from '../db/partners';
import { findProposalById } from '../db/proposals';
import type { Sql } from '../db/sql';
import { conflict, notFound } from '../errors';
import { authorize, loadActor } from '../policy';
import type { CommandContext } from './create-proposal';

async function loadTarget(tx: Sql, actorId: string, proposalId: string, userId: string): Promise<MemberRow> {
  if (!(await findProposalById(tx, proposalId))) throw notFound('Proposal');
  // Every role change takes the coordinator locks first, in one order, so two
  // coordinators demoting each other queue up instead of deadlocking; the
  // caller's role is read after the wait.
  await lockCoordinators(tx, proposalId);
  authorize(await loadActor(tx, actorId, proposalId), 'proposal.manage');
  const target = await findMember(tx, proposalId, userId, true);
  if (!target) throw notFound('Member');
  return target;
}

/** The proposal must keep at least one coordinator. */
async function assertNotLastCoordinator(tx: Sql, target: MemberRow, verb: string): Promise<void> {
  if (target.role !== 'coordinator') return;
  const coordinators = await lockCoordinators(tx, target.proposalId);
  if (coordinators.filter((id) => id !== target.userId).length === 0) {
    throw conflict('last_coordinator', { change: verb });
  }
}

/** Changes a member's role and/or partner (coordinator only). */
export async function changeMember(ctx: CommandContext, actorId: string, proposalId: string, userId: string, input: UpdateMemberInput): Promise<MemberRow> {
  const member = await ctx.db.transaction(async (tx) => {
    const target = await loadTarget(tx, actorId, proposalId, userId);
    const role = input.role ?? target.role;
    const partnerId = input.partnerId ?? target.partnerId;
    if (partnerId !== target.partnerId) {
      const partner = await findPartnerForReference(tx, partnerId);
      if (!partner || partner.proposalId !== proposalId) throw notFound('Partner');
    }
    if (role !== 'coordinator') await assertNotLastCoordinator(tx, target, 'demoted');
    await updateMember(tx, proposalId, userId, { role, partnerId });
    await recordAudit(tx, {
      proposalId,
      actorId,
      action: 'member.updated',
      data: { userId, role: { from: target.role, to: role }, partnerId: { from: target.partnerId, to: partnerId } },
    });
    return { ...target, role, partnerId };
  });
  ctx.events.publish({ type: 'member.changed', proposalId, userId });
  return member;
}

/** Removes a member (coordinator only); the last coordinator stays. */
export async function removeMember(ctx: CommandContext, actorId: string, proposalId: string, userId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const target = await loadTarget(tx, actorId, proposalId, userId);
    await assertNotLastCoordinator(tx, target, 'removed');
    await deleteMember(tx, proposalId, userId);
    await recordAudit(tx, { proposalId, actorId, action: 'member.removed', data: { userId, name: target.name, role: target.role, partnerId: target.partnerId } });
  });
  ctx.events.publish({ type: 'member.changed', proposalId, userId });
}
