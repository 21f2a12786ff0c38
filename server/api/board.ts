import { Hono } from 'hono';
import { z } from 'zod';
import { findTemplate } from '../../shared/templates';
import type { AppEnv } from '../app-env';
import { buildBoard } from '../board';
import { lastAuditPerSection } from '../db/activity';
import { lastCommentAt, openThreadCounts } from '../db/comments';
import { listPartners } from '../db/partners';
import { listSections } from '../db/sections';
import { verdictsByProposal } from '../db/verdicts';
import { storedCharCounts } from '../section-stats';
import { proposalMember } from './member-loader';

const boardQuerySchema = z.object({ mine: z.enum(['0', '1']).optional() });

const latest = (...dates: (Date | null | undefined)[]) =>
  dates.reduce<Date | null>((a, d) => (d && (!a || d.getTime() > a.getTime()) ? d : a), null);

/** `GET /api/proposals/:id/board[?mine=1]`: every member may see it; `mine=1` keeps the caller's partner's sections. */
export function boardRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/proposals/:id/board', proposalMember({ query: boardQuerySchema }), async (c) => {
    const { proposal, actor } = c.var.member;
    const { mine } = c.req.valid('query');
    const ctx = c.get('ctx');
    const id = proposal.id;
    const [sections, partners, stats, threads, audits, comments, verdicts] = await Promise.all([
      listSections(ctx.db, id),
      listPartners(ctx.db, id),
      storedCharCounts(ctx.db, id),
      openThreadCounts(ctx.db, id),
      lastAuditPerSection(ctx.db, id),
      lastCommentAt(ctx.db, id),
      verdictsByProposal(ctx.db, id),
    ]);
    const lastActivity = new Map<string, Date>();
    for (const s of sections) {
      const at = latest(audits.get(s.id), comments.get(s.id), stats.get(s.id)?.statsUpdatedAt);
      if (at) lastActivity.set(s.id, at);
    }
    const board = buildBoard({
      sections,
      partners,
      rules: findTemplate(proposal.templateId)?.rules ?? { minPartners: 0, minCountries: 0, pageLimit: 0 },
      chars: new Map([...stats].map(([k, v]) => [k, v.chars])),
      openThreads: threads,
      lastActivity,
      today: ctx.clock().toISOString().slice(0, 10),
      onlyPartnerId: mine === '1' ? actor.membership.partnerId : null,
      verdicts,
    });
    return c.json(board);
  });

  return r;
}
