import * as Y from 'yjs';
import { isLocked } from '../../shared/workflow';
import { recordAudit } from '../db/audit';
import type { SectionRow } from '../db/sections';
import { limits } from '../../shared/limits';
import { findSnapshot, insertSnapshot, pruneRestoreBackups, replaceSnapshotSectionState, restoredLabel, snapshotSectionState } from '../db/snapshots';
import { readStoredDoc } from '../export/export-source';
import { findUserById } from '../db/users';
import { conflict, notFound } from '../errors';
import { authorize, loadMemberSection, type Actor } from '../policy';
import { sectionField as fragmentName } from '../../shared/document/model';
import { cloneBlocks } from '../../shared/document/clone';
import type { ServerContext } from '../context';
import type { CommandContext } from './create-proposal';
import { repairSection } from './repair-section';

/**
 * Restores a section to a snapshot's content as ONE forward edit: every block
 * of the live `default` fragment is deleted and deep copies of the snapshot's
 * blocks are inserted, in one Yjs transaction made on the live room (so
 * connected clients receive it like any other update, persisted first).
 * History is not rewritten and Yjs garbage collection stays on.
 *
 * The live text it replaces is kept first, as an automatic section snapshot
 * (kind `before_restore`, named with the restored snapshot's name; the client
 * shows "Before restoring <name>"):
 * 1. a copy of the stored state is written before the live text is touched, so
 *    the old text is durable whatever happens next (merged on the work pool,
 *    then stored in a short transaction: edits stored meanwhile are in the
 *    log, and step 3 replaces this copy anyway);
 * 2. the restore edit reads the live doc's state in the same Yjs transaction
 *    that replaces it, so nobody's typing can slip between the two: an update
 *    the room applied before it is in the copy (and replaced), one after it
 *    lands on top of the restore;
 * 3. once the edit has committed (and with it every update the room held
 *    before it), that exact state replaces the first copy, in the transaction
 *    that writes the `section.restored` audit event naming both snapshots.
 * Then every open page of the proposal is told (`section.restored`).
 *
 * Who: the owner partner's editors and the coordinator (the `section.edit`
 * right, judged as if the section were unlocked); others get 403, non-members
 * 404. A locked section (approved, final) is refused with 409 until reopened.
 */
export async function restoreSection(
  ctx: CommandContext & Pick<ServerContext, 'collab' | 'work'>,
  userId: string,
  sectionId: string,
  snapshotId: string,
): Promise<{ section: SectionRow; actor: Actor; backupSnapshotId: string }> {
  const { section, actor } = await loadMemberSection(ctx.db, userId, sectionId);
  const snapshot = await findSnapshot(ctx.db, snapshotId);
  if (!snapshot || snapshot.proposalId !== section.proposalId) throw notFound('Snapshot');
  const stored = await snapshotSectionState(ctx.db, snapshotId, sectionId);
  if (!stored) throw notFound('Snapshot');
  authorize(actor, 'section.restore', section);
  if (isLocked(section.status)) throw conflict('section_locked', { action: 'restore' });

  // The first copy, merged on the work pool outside any transaction, with the depth check of the stored document.
  const { proposalId } = section;
  const stored0 = await readStoredDoc(ctx.db, sectionId);
  const first = await ctx.work.run({ kind: 'checked-state', stored: stored0 });
  // A section stored too deep (before the depth limit) is repaired first: deleting its deep content in one edit would overflow (SEC10).
  // Within the limit it stays within it (every later write is held to the limit), so only a too-deep one is looked at again.
  if (first.tooDeep !== null) await repairSection(ctx, sectionId, { actorId: userId });
  const firstCopy = first.tooDeep !== null ? await ctx.work.run({ kind: 'section-state', stored: await readStoredDoc(ctx.db, sectionId) }) : first;

  const backupSnapshotId = await ctx.db.transaction(async (tx) => {
    const id = await insertSnapshot(tx, {
      proposalId,
      sectionId,
      label: { kind: 'before_restore', params: {}, restored: restoredLabel(snapshot.label) },
      kind: 'before_restore',
      createdBy: userId,
      states: [{ sectionId, state: firstCopy.state, chars: firstCopy.chars }],
    });
    await pruneRestoreBackups(tx, sectionId, limits.maxRestoreBackupsPerSection);
    return id;
  });

  const replaced: Uint8Array[] = [];
  const source = new Y.Doc();
  try {
    Y.applyUpdate(source, stored.state);
    await ctx.collab.applyServerEdit(sectionId, userId, (doc) => {
      replaced.push(Y.encodeStateAsUpdate(doc));
      const live = doc.getXmlFragment(fragmentName);
      if (live.length > 0) live.delete(0, live.length);
      // Copied without recursion, and no deeper than limits.maxDocumentDepth: a snapshot stored too deep restores flattened, never overflows.
      live.insert(0, cloneBlocks(source.getXmlFragment(fragmentName)));
    });
  } finally {
    source.destroy();
  }
  const exactState = replaced[0];
  if (!exactState) throw new Error('the restore edit did not run');
  // Its characters are counted on the pool too.
  const exact = { state: exactState, chars: await ctx.work.run({ kind: 'state-chars', state: exactState }) };

  await ctx.db.transaction(async (tx) => {
    await replaceSnapshotSectionState(tx, backupSnapshotId, sectionId, exact.state, exact.chars);
    await recordAudit(tx, {
      proposalId,
      sectionId,
      actorId: userId,
      action: 'section.restored',
      data: { snapshotId, name: snapshot.name, label: snapshot.label, backupSnapshotId },
    });
  });
  const by = { id: userId, name: (await findUserById(ctx.db, userId))?.name ?? '' };
  ctx.events.publish({ type: 'section.restored', proposalId, sectionId, snapshotId, snapshotLabel: snapshot.label, backupSnapshotId, by });
  ctx.events.publish({ type: 'section.changed', proposalId, sectionId });
  return { section, actor, backupSnapshotId };
}
