import { createHash, randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { limits } from '../../shared/limits';
import type { CreateInvitationInput } from '../../shared/schemas/domain';
import { recordAudit } from '../db/audit';
import { lockCount } from '../db/count-lock';
import {
  findInvitationByHash,
  findInvitationById,
  insertInvitation,
  markInvitationAccepted,
  markInvitationRevoked,
  pendingInvitationCount,
  type InvitationRow,
} from '../db/invitations';
import { findMembership, insertMember } from '../db/members';
import { findPartnerForReference } from '../db/partners';
import { findProposalById } from '../db/proposals';
import { conflict, notFound, refusal } from '../errors';
import { authorize, loadActor } from '../policy';
import { invitationState } from '../presenters';
import { assertRoomForProposal, type CommandContext } from './create-proposal';

/** 160 random bits, base32: the secret in the invitation link. Only its SHA-256 is stored. */
export function newInvitationToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(20));
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Invites someone to join `partnerId` with `role`; returns the token (shown once) and the row.
 * A proposal has at most `limits.maxPendingInvitationsPerProposal` pending invitations
 * (409 `pending_invitations_limit`; revoked, accepted and expired ones make room).
 */
export async function createInvitation(
  ctx: CommandContext,
  userId: string,
  proposalId: string,
  input: CreateInvitationInput,
): Promise<{ token: string; invitation: InvitationRow }> {
  const token = newInvitationToken();
  const invitation = await ctx.db.transaction(async (tx) => {
    if (!(await findProposalById(tx, proposalId))) throw notFound('Proposal');
    authorize(await loadActor(tx, userId, proposalId), 'proposal.manage');
    const partner = await findPartnerForReference(tx, input.partnerId);
    if (!partner || partner.proposalId !== proposalId) throw notFound('Partner');
    await lockCount(tx, 'invitations', proposalId);
    if ((await pendingInvitationCount(tx, proposalId, ctx.clock())) >= limits.maxPendingInvitationsPerProposal) {
      throw refusal('conflict', 'pending_invitations_limit', { limit: limits.maxPendingInvitationsPerProposal });
    }
    const row = await insertInvitation(tx, {
      proposalId,
      partnerId: partner.id,
      role: input.role,
      tokenHash: hashInvitationToken(token),
      createdBy: userId,
      expiresAt: new Date(ctx.clock().getTime() + limits.invitationLifetimeMs),
    });
    await recordAudit(tx, { proposalId, actorId: userId, action: 'invitation.created', data: { invitationId: row.id, partnerId: partner.id, role: input.role } });
    return row;
  });
  return { token, invitation };
}

/** Revokes a pending invitation (coordinator only). */
export async function revokeInvitation(ctx: CommandContext, userId: string, invitationId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const inv = await findInvitationById(tx, invitationId);
    if (!inv) throw notFound('Invitation');
    const actor = await loadActor(tx, userId, inv.proposalId);
    if (!actor.membership) throw notFound('Invitation');
    authorize(actor, 'proposal.manage');
    const state = invitationState(inv, ctx.clock());
    if (state === 'accepted') throw conflict('The invitation has already been accepted');
    if (state === 'revoked') return;
    await markInvitationRevoked(tx, inv.id, ctx.clock());
    await recordAudit(tx, { proposalId: inv.proposalId, actorId: userId, action: 'invitation.revoked', data: { invitationId: inv.id } });
  });
}

/** A usable invitation for `token`, or 404 (unknown, used, revoked or expired look the same). */
export async function findUsableInvitation(ctx: CommandContext, token: string, lock = false): Promise<InvitationRow> {
  const inv = await findInvitationByHash(ctx.db, hashInvitationToken(token), lock);
  if (!inv || invitationState(inv, ctx.clock()) !== 'pending') throw notFound('Invitation');
  return inv;
}

/** Joins the caller to the invited partner with the invited role. Single use. */
export async function acceptInvitation(ctx: CommandContext, userId: string, token: string): Promise<string> {
  const proposalId = await ctx.db.transaction(async (tx) => {
    // The user's proposal count lock first, then partner → invitation, the order removing a partner takes (it cascades to its invitations).
    await assertRoomForProposal(tx, userId);
    const peek = await findUsableInvitation({ ...ctx, db: tx }, token);
    if (!(await findPartnerForReference(tx, peek.partnerId))) throw notFound('Invitation');
    const inv = await findUsableInvitation({ ...ctx, db: tx }, token, true);
    if (await findMembership(tx, inv.proposalId, userId)) throw conflict('You are already a member of this proposal');
    if (!(await insertMember(tx, { proposalId: inv.proposalId, userId, partnerId: inv.partnerId, role: inv.role }))) {
      throw conflict('You are already a member of this proposal');
    }
    await markInvitationAccepted(tx, inv.id, userId, ctx.clock());
    await recordAudit(tx, {
      proposalId: inv.proposalId,
      actorId: userId,
      action: 'member.joined',
      data: { userId, partnerId: inv.partnerId, role: inv.role, invitationId: inv.id },
    });
    return inv.proposalId;
  });
  ctx.events.publish({ type: 'member.changed', proposalId, userId });
  return proposalId;
}
