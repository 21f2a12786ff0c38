import { createHash, randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { parseEmailList } from '../../shared/email-list';
import { limits } from '../../shared/limits';
import type { BulkInvitationInput, BulkSkipReason, CreateInvitationInput } from '../../shared/schemas/invitations';
import { recordAudit } from '../db/audit';
import { lockCount } from '../db/count-lock';
import {
  findInvitationByHash,
  findInvitationById,
  insertInvitation,
  markInvitationRevoked,
  memberEmails,
  pendingInvitationCount,
  pendingInvitationEmails,
  recordAcceptance,
  type InvitationRow,
} from '../db/invitations';
import { findMembership, insertMember } from '../db/members';
import { findPartnerForReference, type PartnerRow } from '../db/partners';
import { findProposalById } from '../db/proposals';
import type { Sql } from '../db/sql';
import { notFound, refusal } from '../errors';
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

const dayMs = 24 * 60 * 60 * 1000;

function expiryOf(ctx: CommandContext, expiresInDays: number | undefined): Date {
  return new Date(ctx.clock().getTime() + (expiresInDays === undefined ? limits.invitationLifetimeMs : expiresInDays * dayMs));
}

/** The coordinator check, the partner of this proposal, and the pending-invitation lock (TEAM8, TEAM9). */
async function openInvite(tx: Sql, userId: string, proposalId: string, partnerId: string): Promise<PartnerRow> {
  if (!(await findProposalById(tx, proposalId))) throw notFound('Proposal');
  authorize(await loadActor(tx, userId, proposalId), 'proposal.manage');
  const partner = await findPartnerForReference(tx, partnerId);
  if (!partner || partner.proposalId !== proposalId) throw notFound('Partner');
  await lockCount(tx, 'invitations', proposalId);
  return partner;
}

/** 409 `pending_invitations_limit` unless `adding` more pending links fit under the cap. */
async function assertPendingRoom(ctx: CommandContext, tx: Sql, proposalId: string, adding: number): Promise<void> {
  const pending = await pendingInvitationCount(tx, proposalId, ctx.clock());
  if (pending + adding > limits.maxPendingInvitationsPerProposal) {
    throw refusal('conflict', 'pending_invitations_limit', { limit: limits.maxPendingInvitationsPerProposal, pending, adding });
  }
}

/**
 * Invites people to join `partnerId` with `role` through one link, usable by
 * `maxUses` people (default 1) until it expires; returns the token (shown once)
 * and the row. A proposal has at most `limits.maxPendingInvitationsPerProposal`
 * pending links (409 `pending_invitations_limit`).
 */
export async function createInvitation(
  ctx: CommandContext,
  userId: string,
  proposalId: string,
  input: CreateInvitationInput,
): Promise<{ token: string; invitation: InvitationRow }> {
  const token = newInvitationToken();
  const maxUses = input.maxUses ?? 1;
  const { invitation, partnerId } = await ctx.db.transaction(async (tx) => {
    const partner = await openInvite(tx, userId, proposalId, input.partnerId);
    await assertPendingRoom(ctx, tx, proposalId, 1);
    const row = await insertInvitation(tx, {
      proposalId,
      partnerId: partner.id,
      role: input.role,
      tokenHash: hashInvitationToken(token),
      createdBy: userId,
      expiresAt: expiryOf(ctx, input.expiresInDays),
      maxUses,
      email: null,
    });
    await recordAudit(tx, {
      proposalId,
      actorId: userId,
      action: 'invitation.created',
      data: { invitationId: row.id, partnerId: partner.id, role: input.role, maxUses, expiresAt: row.expiresAt.toISOString() },
    });
    return { invitation: row, partnerId: partner.id };
  });
  ctx.events.publish({ type: 'partner.changed', proposalId, partnerId });
  return { token, invitation };
}

export interface BulkResult {
  invitations: Array<{ email: string; token: string; invitation: InvitationRow }>;
  skipped: Array<{ email: string; reason: BulkSkipReason }>;
}

/**
 * One personal (single-use) link per pasted address (TEAM4, TEAM5): the list is
 * read by shared/email-list.ts and deduplicated; any entry that is not an
 * address refuses the whole list (400 `invalid_emails` with the entries'
 * indexes); members and addresses with a pending personal link are skipped;
 * the links are made all together or not at all (the pending cap counts them all).
 */
export async function createBulkInvitations(ctx: CommandContext, userId: string, proposalId: string, input: BulkInvitationInput): Promise<BulkResult> {
  const list = parseEmailList(input.text ?? input.emails ?? []);
  if (list.invalid.length > 0) {
    throw refusal('invalid_input', 'invalid_emails', {
      count: list.invalid.length,
      indexes: list.invalid.join(','),
      positions: list.invalid.map((i) => i + 1).join(', '),
    });
  }
  if (list.addresses.length === 0) throw refusal('invalid_input', 'no_emails', {});
  if (list.addresses.length > limits.bulkInvitationMaxEmails) {
    throw refusal('invalid_input', 'too_many_emails', { limit: limits.bulkInvitationMaxEmails, count: list.addresses.length });
  }
  const result = await ctx.db.transaction(async (tx) => {
    const partner = await openInvite(tx, userId, proposalId, input.partnerId);
    const members = await memberEmails(tx, proposalId);
    const invited = await pendingInvitationEmails(tx, proposalId, ctx.clock());
    const skipped: BulkResult['skipped'] = [];
    const fresh: string[] = [];
    for (const email of list.addresses) {
      if (members.has(email)) skipped.push({ email, reason: 'already_member' });
      else if (invited.has(email)) skipped.push({ email, reason: 'already_invited' });
      else fresh.push(email);
    }
    await assertPendingRoom(ctx, tx, proposalId, fresh.length);
    const expiresAt = expiryOf(ctx, input.expiresInDays);
    const invitations: BulkResult['invitations'] = [];
    for (const email of fresh) {
      const token = newInvitationToken();
      const invitation = await insertInvitation(tx, {
        proposalId,
        partnerId: partner.id,
        role: input.role,
        tokenHash: hashInvitationToken(token),
        createdBy: userId,
        expiresAt,
        maxUses: 1,
        email,
      });
      invitations.push({ email, token, invitation });
    }
    if (invitations.length > 0) {
      await recordAudit(tx, {
        proposalId,
        actorId: userId,
        action: 'invitation.bulk_created',
        data: {
          count: invitations.length,
          skipped: skipped.length,
          partnerId: partner.id,
          role: input.role,
          expiresAt: expiresAt.toISOString(),
          invitationIds: invitations.map((i) => i.invitation.id),
          emails: invitations.map((i) => i.email),
        },
      });
    }
    return { invitations, skipped, partnerId: partner.id };
  });
  if (result.invitations.length > 0) ctx.events.publish({ type: 'partner.changed', proposalId, partnerId: result.partnerId });
  return { invitations: result.invitations, skipped: result.skipped };
}

/** Revokes a link (coordinator only); revoking twice is a no-op, a used-up link is 409 `invitation_used_up`. */
export async function revokeInvitation(ctx: CommandContext, userId: string, invitationId: string): Promise<void> {
  const revoked = await ctx.db.transaction(async (tx) => {
    const inv = await findInvitationById(tx, invitationId);
    if (!inv) throw notFound('Invitation');
    const actor = await loadActor(tx, userId, inv.proposalId);
    if (!actor.membership) throw notFound('Invitation');
    authorize(actor, 'proposal.manage');
    const state = invitationState(inv, ctx.clock());
    switch (state) {
      case 'used_up':
        throw refusal('conflict', 'invitation_used_up', {});
      case 'revoked':
        return null;
      case 'pending':
      case 'expired':
        break;
      default: {
        const never: never = state;
        throw new Error(`unknown invitation state ${String(never)}`);
      }
    }
    await markInvitationRevoked(tx, inv.id, ctx.clock());
    await recordAudit(tx, {
      proposalId: inv.proposalId,
      actorId: userId,
      action: 'invitation.revoked',
      data: { invitationId: inv.id, partnerId: inv.partnerId, role: inv.role, email: inv.email, uses: inv.uses, maxUses: inv.maxUses },
    });
    return inv;
  });
  if (revoked) ctx.events.publish({ type: 'partner.changed', proposalId: revoked.proposalId, partnerId: revoked.partnerId });
}

/**
 * The usable invitation for `token`. An unknown token is 404 `not_found`; a
 * known one that cannot be used any more is 404 with why (TEAM6):
 * `invitation_revoked`, `invitation_expired` or `invitation_used_up`. Only the
 * token's holder can tell them apart, and the token is the secret.
 */
export async function findUsableInvitation(ctx: Pick<CommandContext, 'db' | 'clock'>, token: string, lock = false): Promise<InvitationRow> {
  const inv = await findInvitationByHash(ctx.db, hashInvitationToken(token), lock);
  if (!inv) throw notFound('Invitation');
  const state = invitationState(inv, ctx.clock());
  switch (state) {
    case 'pending':
      return inv;
    case 'revoked':
      throw refusal('not_found', 'invitation_revoked', {});
    case 'expired':
      throw refusal('not_found', 'invitation_expired', {});
    case 'used_up':
      throw refusal('not_found', 'invitation_used_up', {});
    default: {
      const never: never = state;
      throw new Error(`unknown invitation state ${String(never)}`);
    }
  }
}

/**
 * Joins the caller to the invited partner with the invited role, using one of
 * the link's uses (TEAM7): the invitation row is locked, so of any number of
 * people accepting at once exactly as many join as uses are left. A member
 * already is refused with 409 `already_member`, and the use is kept.
 */
export async function acceptInvitation(ctx: CommandContext, userId: string, token: string): Promise<string> {
  const proposalId = await ctx.db.transaction(async (tx) => {
    // The user's proposal count lock first, then partner → invitation, the order removing a partner takes (it cascades to its invitations).
    await assertRoomForProposal(tx, userId);
    const peek = await findUsableInvitation({ ...ctx, db: tx }, token);
    if (!(await findPartnerForReference(tx, peek.partnerId))) throw notFound('Invitation');
    const inv = await findUsableInvitation({ ...ctx, db: tx }, token, true);
    if (await findMembership(tx, inv.proposalId, userId)) throw refusal('conflict', 'already_member', {});
    if (!(await insertMember(tx, { proposalId: inv.proposalId, userId, partnerId: inv.partnerId, role: inv.role }))) {
      throw refusal('conflict', 'already_member', {});
    }
    if (!(await recordAcceptance(tx, inv.id, userId, ctx.clock()))) throw refusal('not_found', 'invitation_used_up', {});
    await recordAudit(tx, {
      proposalId: inv.proposalId,
      actorId: userId,
      action: 'member.joined',
      data: { userId, partnerId: inv.partnerId, role: inv.role, invitationId: inv.id, via: inv.id },
    });
    return inv.proposalId;
  });
  ctx.events.publish({ type: 'member.changed', proposalId, userId });
  return proposalId;
}
