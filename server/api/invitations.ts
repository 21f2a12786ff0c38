import { Hono } from 'hono';
import { limits } from '../../shared/limits';
import { idParamsSchema, tokenParamsSchema } from '../../shared/schemas/domain';
import { bulkInvitationSchema, createInvitationSchema } from '../../shared/schemas/invitations';
import { pageQuerySchema } from '../../shared/schemas/page';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { acceptInvitation, createBulkInvitations, createInvitation, findUsableInvitation, revokeInvitation } from '../commands/invitation-changes';
import { listInvitationsPage } from '../db/invitations';
import { pageOf } from '../db/keyset';
import { findPartnerById } from '../db/partners';
import { findProposalById } from '../db/proposals';
import { notFound } from '../errors';
import { presentInvitation } from '../presenters';
import { proposalMember } from './member-loader';
import { jsonBody, params } from './validate';

const inviteUrl = (origin: string, token: string) => `${origin}/invite/${token}`;

/** Invitation links: create (one, or one per pasted address), list and revoke (coordinator), preview and accept (invitee). */
export function invitationRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.post('/proposals/:id/invitations', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const input = await jsonBody(c, createInvitationSchema);
    const ctx = c.get('ctx');
    const { token, invitation } = await createInvitation(ctx, user.id, id, input);
    return c.json(
      { id: invitation.id, token, url: inviteUrl(ctx.publicOrigin(), token), expiresAt: invitation.expiresAt.toISOString(), maxUses: invitation.maxUses },
      201,
    );
  });

  // One personal link per pasted address (TEAM4).
  r.post('/proposals/:id/invitations/bulk', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const input = await jsonBody(c, bulkInvitationSchema);
    const ctx = c.get('ctx');
    const { invitations, skipped } = await createBulkInvitations(ctx, user.id, id, input);
    const origin = ctx.publicOrigin();
    return c.json(
      {
        invitations: invitations.map(({ email, token, invitation }) => ({
          email,
          id: invitation.id,
          token,
          url: inviteUrl(origin, token),
          expiresAt: invitation.expiresAt.toISOString(),
        })),
        skipped,
      },
      201,
    );
  });

  // Newest first, one page at a time (SEC26).
  r.get('/proposals/:id/invitations', proposalMember({ action: 'proposal.manage', query: pageQuerySchema(limits.invitationsPageSize) }), async (c) => {
    const { proposal } = c.var.member;
    const ctx = c.get('ctx');
    const now = ctx.clock();
    const { rows, next } = await listInvitationsPage(ctx.db, proposal.id, pageOf(c.req.valid('query'), limits.invitationsPageSize));
    return c.json({ invitations: rows.map((i) => presentInvitation(i, now)), next });
  });

  r.delete('/invitations/:id', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    await revokeInvitation(c.get('ctx'), user.id, id);
    return c.body(null, 204);
  });

  // The preview needs no session: the token is the secret, and the invite page shows it before sign-up.
  r.get('/invitations/:token', async (c) => {
    const { token } = params(c, tokenParamsSchema);
    const ctx = c.get('ctx');
    const inv = await findUsableInvitation(ctx, token);
    const [proposal, partner] = await Promise.all([findProposalById(ctx.db, inv.proposalId), findPartnerById(ctx.db, inv.partnerId)]);
    if (!proposal || !partner) throw notFound('Invitation');
    return c.json({
      invitation: {
        proposalTitle: proposal.title,
        partner: { name: partner.name, town: partner.town, country: partner.country },
        role: inv.role,
        expiresAt: inv.expiresAt.toISOString(),
      },
    });
  });

  r.post('/invitations/:token/accept', async (c) => {
    const { user } = requireAuth(c);
    const { token } = params(c, tokenParamsSchema);
    const proposalId = await acceptInvitation(c.get('ctx'), user.id, token);
    return c.json({ proposalId });
  });

  return r;
}
