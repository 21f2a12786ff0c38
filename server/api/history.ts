import { Hono } from 'hono';
import { z } from 'zod';
import { idSchema } from '../../shared/schemas/common';
import { idParamsSchema } from '../../shared/schemas/domain';
import { changesQuerySchema, restoreRequestSchema } from '../../shared/schemas/history';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { restoreSection } from '../commands/restore-section';
import { submitProposal } from '../commands/submit-proposal';
import { findSectionById, listSections } from '../db/sections';
import { snapshotSectionState } from '../db/snapshots';
import { notFound } from '../errors';
import { AuthorBook, diffStates, proposalChanges, sectionDiff } from '../history/changes';
import { presentWithStats } from './sections';
import { presentSnapshot } from './snapshots';
import { proposalMember, sectionMember, snapshotMember, snapshotOf } from './member-loader';
import { jsonBody, params } from './validate';

const snapshotSectionParams = z.object({ id: idSchema, sectionId: idSchema });

/**
 * Reading snapshots, restoring a section, "what changed since" diffs, and
 * submission. Members only (404 otherwise). Reading a snapshot's text and the
 * diffs run on the work pool, at most `maxHistoryJobsAtOnce` at once per
 * instance (429 past it).
 */
export function historyRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/snapshots/:id/sections/:sectionId', snapshotMember({ params: snapshotSectionParams }), async (c) => {
    const { id, sectionId } = c.req.valid('param');
    const ctx = c.get('ctx');
    const blocks = await ctx.work.admit('history', async () => {
      const stored = await snapshotSectionState(ctx.db, id, sectionId);
      if (!stored) throw notFound('Snapshot section');
      return { chars: stored.chars, blocks: await ctx.work.run({ kind: 'text-blocks', state: stored.state }) };
    });
    return c.json({ snapshotId: id, sectionId, ...blocks });
  });

  r.post('/sections/:id/restore', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const { snapshotId } = await jsonBody(c, restoreRequestSchema);
    const ctx = c.get('ctx');
    const { section, actor, backupSnapshotId } = await restoreSection(ctx, user.id, id, snapshotId);
    const fresh = (await findSectionById(ctx.db, section.id)) ?? section;
    return c.json({ section: await presentWithStats(ctx, fresh, actor), backupSnapshotId });
  });

  r.get('/sections/:id/changes', sectionMember({ query: changesQuerySchema }), async (c) => {
    const { section } = c.var.member;
    const { since, until } = c.req.valid('query');
    const ctx = c.get('ctx');
    await snapshotOf(ctx.db, section.proposalId, since);
    if (until) await snapshotOf(ctx.db, section.proposalId, until);
    const diff = await ctx.work.admit('history', async () => {
      const states = await diffStates(ctx, section.id, since, until ?? null);
      if (!states) throw notFound('Snapshot section');
      return (await sectionDiff(ctx, new AuthorBook(ctx.db, section.proposalId), section, states)).diff;
    });
    return c.json({ since, until: until ?? null, section: diff });
  });

  r.get('/proposals/:id/changes', proposalMember({ query: changesQuerySchema }), async (c) => {
    const { id } = c.var.member.proposal;
    const { since, until } = c.req.valid('query');
    const ctx = c.get('ctx');
    await snapshotOf(ctx.db, id, since);
    if (until) await snapshotOf(ctx.db, id, until);
    const sections = await listSections(ctx.db, id);
    return c.json(await ctx.work.admit('history', () => proposalChanges(ctx, id, sections, since, until ?? null)));
  });

  /** Submission: the coordinator, once nothing blocks it; approved sections become final and a 'submission' snapshot is taken. */
  r.post('/proposals/:id/submit', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const row = await submitProposal(c.get('ctx'), user.id, id);
    return c.json({ snapshot: presentSnapshot(row) }, 201);
  });

  return r;
}
