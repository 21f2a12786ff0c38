import { Hono } from 'hono';
import { auditQuerySchema, createProposalSchema, idParamsSchema } from '../../shared/schemas/domain';
import { templates } from '../../shared/templates';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { createProposal } from '../commands/create-proposal';
import type { ServerContext } from '../context';
import { listAudit } from '../db/audit';
import { listMembers } from '../db/members';
import { listPartners } from '../db/partners';
import { findProposalById, listProposalsForUser } from '../db/proposals';
import { listSections } from '../db/sections';
import { notFound } from '../errors';
import { authorize, loadActor } from '../policy';
import { presentAuditEvent, presentProposal, presentProposalSummary } from '../presenters';
import { loadSectionStats } from '../section-stats';
import { jsonBody, params, query } from './validate';

/** The full proposal as the caller may see it; 404 for a non-member. */
export async function loadProposalFor(ctx: ServerContext, userId: string, proposalId: string) {
  const proposal = await findProposalById(ctx.db, proposalId);
  if (!proposal) throw notFound('Proposal');
  const actor = await loadActor(ctx.db, userId, proposalId);
  authorize(actor, 'proposal.read');
  const [partners, members, sections, stats] = await Promise.all([
    listPartners(ctx.db, proposalId),
    listMembers(ctx.db, proposalId),
    listSections(ctx.db, proposalId),
    loadSectionStats(ctx.db, proposalId),
  ]);
  return presentProposal(proposal, { partners, members, sections, stats }, actor);
}

/** Proposals, their activity feed, and the call templates to start from. */
export function proposalRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/templates', (c) => {
    requireAuth(c);
    return c.json({
      templates: templates.map((t) => ({ id: t.id, title: t.title, sections: t.sections.length, themes: t.themes.map((th) => ({ id: th.id, label: th.label })) })),
    });
  });

  r.get('/proposals', async (c) => {
    const { user } = requireAuth(c);
    const rows = await listProposalsForUser(c.get('ctx').db, user.id);
    return c.json({ proposals: rows.map(presentProposalSummary) });
  });

  r.post('/proposals', async (c) => {
    const { user } = requireAuth(c);
    const input = await jsonBody(c, createProposalSchema);
    const ctx = c.get('ctx');
    const id = await createProposal(ctx, user.id, input);
    return c.json({ proposal: await loadProposalFor(ctx, user.id, id) }, 201);
  });

  r.get('/proposals/:id', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    return c.json({ proposal: await loadProposalFor(c.get('ctx'), user.id, id) });
  });

  r.get('/proposals/:id/audit', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const q = query(c, auditQuerySchema);
    const ctx = c.get('ctx');
    if (!(await findProposalById(ctx.db, id))) throw notFound('Proposal');
    authorize(await loadActor(ctx.db, user.id, id), 'proposal.read');
    const limit = q.limit ?? 50;
    const rows = await listAudit(ctx.db, id, { before: q.before, limit });
    const last = rows[rows.length - 1];
    return c.json({ events: rows.map(presentAuditEvent), nextBefore: rows.length === limit && last ? last.id : null });
  });

  return r;
}
