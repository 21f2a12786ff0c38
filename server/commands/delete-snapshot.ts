import type { ServerContext } from '../context';
import { recordAudit } from '../db/audit';
import { deleteSnapshotRow, findSnapshot } from '../db/snapshots';
import { notFound, refusal } from '../errors';
import { authorize, loadActor, requireMember } from '../policy';

/**
 * Deletes a manual snapshot (SEC29), so a proposal at the manual snapshot
 * limits (SEC16) can take new ones. The coordinator only (`proposal.manage`,
 * the action that takes them); automatic snapshots (approval, submission,
 * meeting, before a restore) are history and answer 409 `snapshot_not_manual`.
 * A non-member gets 404 as for an unknown snapshot. Records `snapshot.deleted`.
 */
export async function deleteManualSnapshot(ctx: Pick<ServerContext, 'db' | 'events'>, userId: string, snapshotId: string): Promise<void> {
  const proposalId = await ctx.db.transaction(async (tx) => {
    const snapshot = await findSnapshot(tx, snapshotId);
    if (!snapshot) throw notFound('Snapshot');
    const actor = await loadActor(tx, userId, snapshot.proposalId);
    requireMember(actor, 'Snapshot');
    authorize(actor, 'proposal.manage');
    if (snapshot.kind !== 'manual') throw refusal('conflict', 'snapshot_not_manual', { kind: snapshot.kind });
    await deleteSnapshotRow(tx, snapshot.id);
    await recordAudit(tx, {
      proposalId: snapshot.proposalId,
      actorId: userId,
      action: 'snapshot.deleted',
      data: { snapshotId: snapshot.id, name: snapshot.name, kind: snapshot.kind, label: snapshot.label },
    });
    return snapshot.proposalId;
  });
  ctx.events.publish({ type: 'snapshots.changed', proposalId });
}
