import { Hono } from 'hono';
import { limits } from '../../shared/limits';
import { auditQuerySchema, createProposalSchema } from '../../shared/schemas/domain';
import { pageQuerySchema } from '../../shared/schemas/page';
import { templateParamsSchema } from '../../shared/schemas/partners';
import { findTemplate, templates } from '../../shared/templates';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { createProposal } from '../commands/create-proposal';
import type { ServerContext } from '../context';
import { listAudit } from '../db/audit';
import { pageOf } from '../db/keyset';
import { listMembers } from '../db/members';
import { listPartners } from '../db/partners';
import { listProposalsForUser } from '../db/proposals';
import type { ProposalRow } from '../db/proposals';
import { listSections } from '../db/sections';
import { verdictsByProposal } from '../db/verdicts';
import type { Actor } from '../policy';
import { presentAuditEvent, presentProposal, presentProposalSummary } from '../presenters';
import { loadSectionStats } from '../section-stats';
import { loadProposalMember, proposalMember } from './member-loader';
import { notFound } from '../errors';
import { jsonBody, params, query } from './validate';

/** The full proposal as `actor` (a member) may see it. */
async function presentProposalFor(ctx: ServerContext, proposal: ProposalRow, actor: Actor) {
  const proposalId = proposal.id;
  const [partners, members, sections, stats, verdicts] = await Promise.all([
    listPartners(ctx.db, proposalId),
    listMembers(ctx.db, proposalId),
    listSections(ctx.db, proposalId),
    loadSectionStats(ctx.db, proposalId),
    verdictsByProposal(ctx.db, proposalId),
  ]);
  return presentProposal(proposal, { partners, members, sections, stats, verdicts }, actor);
}

/** Proposals, their activity feed, and the call templates to start from. */
export function proposalRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/templates', (c) => {
    requireAuth(c);
    return c.json({
      templates: templates.map((t) => ({ id: t.id, sections: t.sections.length, themes: t.themes.map((th) => ({ id: th.id })) })),
    });
  });

  // What a template creates (CTRY9): its sections with budgets and criteria, themes and
  // call rules, as ids and numbers; the client names them in the reader's language.
  r.get('/templates/:id', (c) => {
    requireAuth(c);
    const { id } = params(c, templateParamsSchema);
    const t = findTemplate(id);
    if (!t) throw notFound('Template');
    return c.json({
      template: {
        id: t.id,
        themes: t.themes.map((th) => th.id),
        criteria: t.criteria.map((cr) => cr.id),
        rules: { minPartners: t.rules.minPartners, minCountries: t.rules.minCountries, pageLimit: t.rules.pageLimit },
        sections: t.sections.map((s) => ({
          key: s.key,
          number: s.number,
          criterion: s.criterion,
          minChars: s.minChars,
          maxChars: s.maxChars,
          requiredItems: (s.requiredItems ?? []).map((item) => item.key),
        })),
      },
    });
  });

  // The caller's proposals, newest first, one page at a time (SEC26).
  r.get('/proposals', async (c) => {
    const { user } = requireAuth(c);
    const page = pageOf(query(c, pageQuerySchema(limits.proposalsPageSize)), limits.proposalsPageSize);
    const { rows, next } = await listProposalsForUser(c.get('ctx').db, user.id, page);
    return c.json({ proposals: rows.map(presentProposalSummary), next });
  });

  r.post('/proposals', async (c) => {
    const { user } = requireAuth(c);
    const input = await jsonBody(c, createProposalSchema);
    const ctx = c.get('ctx');
    const id = await createProposal(ctx, user.id, input);
    const { proposal, actor } = await loadProposalMember(ctx.db, user.id, id);
    return c.json({ proposal: await presentProposalFor(ctx, proposal, actor) }, 201);
  });

  r.get('/proposals/:id', proposalMember(), async (c) => {
    const { proposal, actor } = c.var.member;
    return c.json({ proposal: await presentProposalFor(c.get('ctx'), proposal, actor) });
  });

  r.get('/proposals/:id/audit', proposalMember({ query: auditQuerySchema }), async (c) => {
    const { proposal } = c.var.member;
    const q = c.req.valid('query');
    const limit = q.limit ?? 50; // at most limits.auditPageSize (the query schema's cap)
    const rows = await listAudit(c.get('ctx').db, proposal.id, { before: q.before, limit });
    const last = rows[rows.length - 1];
    return c.json({ events: rows.map(presentAuditEvent), nextBefore: rows.length === limit && last ? last.id : null });
  });

  return r;
}
