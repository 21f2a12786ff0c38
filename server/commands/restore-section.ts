import * as Y from 'yjs';
import { isLocked } from '../../shared/workflow';
import { applyServerEdit } from '../collab/server-edits';
import { recordAudit } from '../db/audit';
import type { SectionRow } from '../db/sections';
import { findSnapshot, snapshotSectionState } from '../db/snapshots';
import { conflict, notFound } from '../errors';
import { authorize, loadMemberSection, type Actor } from '../policy';
import { fragmentName } from '../section-text';
import type { CommandContext } from './create-proposal';

/**
 * Restores a section to a snapshot's content as ONE forward edit: every block
 * of the live `default` fragment is deleted and deep copies of the snapshot's
 * blocks are inserted, in one Yjs transaction made on the live room (so
 * connected clients receive it like any other update, persisted first).
 * History is not rewritten and Yjs garbage collection stays on.
 *
 * Who: the owner partner's editors and the coordinator (the `section.edit`
 * right, judged as if the section were unlocked); others get 403, non-members
 * 404. A locked section (approved, final) is refused with 409 until reopened.
 */
export async function restoreSection(
  ctx: CommandContext,
  userId: string,
  sectionId: string,
  snapshotId: string,
): Promise<{ section: SectionRow; actor: Actor }> {
  const { section, actor } = await loadMemberSection(ctx.db, userId, sectionId);
  const snapshot = await findSnapshot(ctx.db, snapshotId);
  if (!snapshot || snapshot.proposalId !== section.proposalId) throw notFound('Snapshot');
  const stored = await snapshotSectionState(ctx.db, snapshotId, sectionId);
  if (!stored) throw notFound('Snapshot');
  authorize(actor, 'section.restore', section);
  if (isLocked(section.status)) throw conflict('The section is locked: reopen it before restoring');

  const source = new Y.Doc();
  try {
    Y.applyUpdate(source, stored.state);
    const blocks = source.getXmlFragment(fragmentName).toArray().filter((b): b is Y.XmlElement | Y.XmlText => !(b instanceof Y.XmlHook));
    await applyServerEdit(ctx.events, sectionId, userId, (doc) => {
      const live = doc.getXmlFragment(fragmentName);
      if (live.length > 0) live.delete(0, live.length);
      live.insert(0, blocks.map((b) => b.clone()));
    });
  } finally {
    source.destroy();
  }
  await recordAudit(ctx.db, {
    proposalId: section.proposalId,
    sectionId,
    actorId: userId,
    action: 'section.restored',
    data: { snapshotId, name: snapshot.name },
  });
  ctx.events.publish({ type: 'section.changed', proposalId: section.proposalId, sectionId });
  return { section, actor };
}
