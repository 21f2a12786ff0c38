import { Hono } from 'hono';
import { idParamsSchema } from '../../shared/schemas/domain';
import { createSnapshotRequestSchema, type Snapshot } from '../../shared/schemas/review';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { deleteManualSnapshot } from '../commands/delete-snapshot';
import { takeProposalSnapshot } from '../commands/take-snapshot';
import { listSnapshots, type SnapshotRow } from '../db/snapshots';
import { proposalMember } from './member-loader';
import { jsonBody, params } from './validate';

export function presentSnapshot(s: SnapshotRow): Snapshot {
  return {
    id: s.id,
    name: s.name,
    label: s.label,
    kind: s.kind,
    sectionId: s.sectionId,
    createdBy: s.createdBy ? { id: s.createdBy, name: s.createdByName ?? '' } : null,
    createdAt: s.createdAt.toISOString(),
    sections: s.sections,
  };
}

/** Named snapshots: every member lists them; the coordinator takes whole-proposal ones and deletes manual ones. */
export function snapshotRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/proposals/:id/snapshots', proposalMember(), async (c) => {
    const { proposal } = c.var.member;
    return c.json({ snapshots: (await listSnapshots(c.get('ctx').db, proposal.id)).map(presentSnapshot) });
  });

  r.post('/proposals/:id/snapshots', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const { name } = await jsonBody(c, createSnapshotRequestSchema);
    const ctx = c.get('ctx');
    const row = await takeProposalSnapshot(ctx, user.id, id, name);
    return c.json({ snapshot: presentSnapshot(row) }, 201);
  });

  /** SEC29: the coordinator deletes a manual snapshot (409 snapshot_not_manual for automatic ones, 404 for non-members). */
  r.delete('/snapshots/:id', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    await deleteManualSnapshot(c.get('ctx'), user.id, id);
    return c.body(null, 204);
  });

  return r;
}
