import { Hono } from 'hono';
import { z } from 'zod';
import { idSchema } from '../../shared/schemas/common';
import { idParamsSchema } from '../../shared/schemas/domain';
import { changesQuerySchema, restoreRequestSchema } from '../../shared/schemas/history';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { restoreSection } from '../commands/restore-section';
import { submitProposal } from '../commands/submit-proposal';
import { findProposalById } from '../db/proposals';
import { findSectionById, listSections } from '../db/sections';
import { findSnapshot, snapshotSectionState } from '../db/snapshots';
import type { Sql } from '../db/sql';
import { notFound } from '../errors';
import { AuthorBook, diffStates, proposalChanges, sectionDiff } from '../history/changes';
import { textBlocksOfState } from '../history/text-blocks';
import { loadActor, loadMemberSection } from '../policy';
import { presentSection } from '../presenters';
import { loadSectionStats } from '../section-stats';
import { presentSnapshot } from './snapshots';
import { jsonBody, params, query } from './validate';

const snapshotSectionParams = z.object({ id: idSchema, sectionId: idSchema });

/** 404 unless the snapshot exists in a proposal the user is a member of (and, when given, is of `proposalId`). */
async function memberSnapshot(db: Sql, userId: string, snapshotId: string, proposalId?: string) {
  const snapshot = await findSnapshot(db, snapshotId);
  if (!snapshot || (proposalId && snapshot.proposalId !== proposalId)) throw notFound('Snapshot');
  if (!(await loadActor(db, userId, snapshot.proposalId)).membership) throw notFound('Snapshot');
  return snapshot;
}

/** Reading snapshots, restoring a section, "what changed since" diffs, and submission. Members only (404 otherwise). */
export function historyRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/snapshots/:id/sections/:sectionId', async (c) => {
    const { user } = requireAuth(c);
    const { id, sectionId } = params(c, snapshotSectionParams);
    const ctx = c.get('ctx');
    await memberSnapshot(ctx.db, user.id, id);
    const stored = await snapshotSectionState(ctx.db, id, sectionId);
    if (!stored) throw notFound('Snapshot section');
    return c.json({ snapshotId: id, sectionId, chars: stored.chars, blocks: textBlocksOfState(stored.state) });
  });

  r.post('/sections/:id/restore', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const { snapshotId } = await jsonBody(c, restoreRequestSchema);
    const ctx = c.get('ctx');
    const { section, actor, backupSnapshotId } = await restoreSection(ctx, user.id, id, snapshotId);
    const fresh = (await findSectionById(ctx.db, section.id)) ?? section;
    const stats = (await loadSectionStats(ctx.db, section.proposalId)).get(section.id) ?? { chars: 0, openThreads: 0 };
    return c.json({ section: presentSection(fresh, actor, stats), backupSnapshotId });
  });

  r.get('/sections/:id/changes', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const { since, until } = query(c, changesQuerySchema);
    const ctx = c.get('ctx');
    const { section } = await loadMemberSection(ctx.db, user.id, id);
    await memberSnapshot(ctx.db, user.id, since, section.proposalId);
    if (until) await memberSnapshot(ctx.db, user.id, until, section.proposalId);
    const states = await diffStates(ctx.db, id, since, until ?? null);
    if (!states) throw notFound('Snapshot section');
    const { diff } = await sectionDiff(ctx.db, new AuthorBook(ctx.db, section.proposalId), section, states);
    return c.json({ since, until: until ?? null, section: diff });
  });

  r.get('/proposals/:id/changes', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const { since, until } = query(c, changesQuerySchema);
    const ctx = c.get('ctx');
    if (!(await findProposalById(ctx.db, id)) || !(await loadActor(ctx.db, user.id, id)).membership) throw notFound('Proposal');
    await memberSnapshot(ctx.db, user.id, since, id);
    if (until) await memberSnapshot(ctx.db, user.id, until, id);
    return c.json(await proposalChanges(ctx.db, id, await listSections(ctx.db, id), since, until ?? null));
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
