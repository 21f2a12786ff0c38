import { Hono } from 'hono';
import { idParamsSchema } from '../../shared/schemas/domain';
import { createSnapshotRequestSchema, type Snapshot } from '../../shared/schemas/review';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { takeProposalSnapshot } from '../commands/take-snapshot';
import { findProposalById } from '../db/proposals';
import { listSnapshots, type SnapshotRow } from '../db/snapshots';
import { notFound } from '../errors';
import { authorize, loadActor } from '../policy';
import { jsonBody, params } from './validate';

export function presentSnapshot(s: SnapshotRow): Snapshot {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    sectionId: s.sectionId,
    createdBy: s.createdBy ? { id: s.createdBy, name: s.createdByName ?? '' } : null,
    createdAt: s.createdAt.toISOString(),
    sections: s.sections,
  };
}

/** Named snapshots: every member lists them; the coordinator takes whole-proposal ones. */
export function snapshotRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/proposals/:id/snapshots', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const ctx = c.get('ctx');
    if (!(await findProposalById(ctx.db, id))) throw notFound('Proposal');
    authorize(await loadActor(ctx.db, user.id, id), 'proposal.read');
    return c.json({ snapshots: (await listSnapshots(ctx.db, id)).map(presentSnapshot) });
  });

  r.post('/proposals/:id/snapshots', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const { name } = await jsonBody(c, createSnapshotRequestSchema);
    const ctx = c.get('ctx');
    const row = await takeProposalSnapshot(ctx, user.id, id, name);
    return c.json({ snapshot: presentSnapshot(row) }, 201);
  });

  return r;
}
