import * as Y from 'yjs';
import { closeCode } from '../../shared/protocol';
import { isLocked } from '../../shared/workflow';
import { cloneBlocks } from '../../shared/document/clone';
import { clearWithoutRecursion } from '../../shared/document/clear';
import { sectionField } from '../../shared/document/model';
import { findTooDeepInDoc } from '../../shared/document/update-depth';
import type { ServerContext } from '../context';
import { recordAudit } from '../db/audit';
import { compactDoc } from '../db/doc-compaction';
import { appendDocUpdates, docFromLoaded, loadDoc } from '../db/doc-updates';
import { findSectionById } from '../db/sections';
import { conflict, notFound } from '../errors';
import { snapshotSection } from './take-snapshot';

/** What a repair needs: the database, the collab service (to close the section's sockets) and the event bus. */
export type RepairContext = Pick<ServerContext, 'db' | 'events'> & { collab: Pick<ServerContext['collab'], 'closeSection'> };

export type RepairOutcome =
  /** The stored document was within the depth limit: nothing was changed. */
  | { kind: 'within-limit' }
  | {
      kind: 'repaired';
      /** The level of the first node found too deep before the repair. */
      levelBefore: number;
      /** The section snapshot that keeps the document as it was. */
      backupSnapshotId: string;
      /** Sockets closed with 4414 (their clients drop their copy and load the repaired one). */
      closedSockets: number;
    };

/** Attempts before giving up when another writer compacts the same section meanwhile. */
const ATTEMPTS = 3;

/**
 * SEC10: rewrites a section whose stored document nests deeper than the limit
 * (written before the limit existed) into one that does not: its blocks are
 * copied without recursion and flattened to `limits.maxDocumentDepth`
 * (cloneBlocks, as a restore does), with every character of text kept.
 *
 * The deep content cannot be deleted by an ordinary edit: Yjs deletes and
 * garbage-collects a subtree recursively, so on a deep document the edit
 * overflows the stack, and a stored deletion of it would overflow again on
 * every load. So the repair is made on a scratch copy of the stored document,
 * deleting from the deepest level up (clear.ts), which leaves the deep content
 * garbage-collected; that whole state then replaces the section's log as its
 * compacted snapshot, in one transaction (compactDoc), after a no-op row that
 * the snapshot covers (so it is newer than any snapshot stored before). Rows
 * committed meanwhile stay after it and load on top of it.
 *
 * Before: a section snapshot (kind `manual`, `snapshotName`) keeps the deep
 * document as it was. After: a `section.repaired` audit event; every socket on
 * the section is closed with 4414 (our client drops its copy and loads the
 * repaired one; a stock client stops); open pages are told the section changed.
 * A locked section (approved, final) is refused with 409 until reopened.
 * Run it where the section has no live room (the operator script, with the
 * server stopped, or in-process, which closes the room's sockets): a room that
 * stays loaded meanwhile keeps serving the old copy until it unloads.
 */
export async function repairSection(ctx: RepairContext, sectionId: string, opts: { actorId?: string | null; snapshotName?: string } = {}): Promise<RepairOutcome> {
  const section = await findSectionById(ctx.db, sectionId);
  if (!section) throw notFound('Section');
  const actorId = opts.actorId ?? null;
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadDoc(ctx.db, sectionId);
    const doc = docFromLoaded(loaded);
    let state: Uint8Array;
    let levelBefore: number;
    try {
      const tooDeep = findTooDeepInDoc(doc);
      if (!tooDeep) return { kind: 'within-limit' };
      if (isLocked(section.status)) throw conflict('section_locked', { action: 'repair' });
      levelBefore = tooDeep.level;
      state = repairedState(doc);
    } finally {
      doc.destroy();
    }
    const written = await ctx.db.transaction(async (tx) => {
      const backupSnapshotId = await snapshotSection(tx, {
        proposalId: section.proposalId,
        sectionId,
        label: opts.snapshotName ? { kind: 'manual', params: { name: opts.snapshotName } } : { kind: 'before_repair', params: {} },
        kind: 'manual',
        createdBy: actorId,
      });
      return { backupSnapshotId };
    });
    // The no-op row makes the new snapshot's seq the newest, even when the log had no rows past its snapshot.
    const [marker] = await appendDocUpdates(ctx.db, [{ docId: sectionId, update: Y.encodeStateAsUpdate(new Y.Doc()), userId: actorId }]);
    const replaced = await compactDoc(ctx.db, sectionId, state, marker!, { snapshotSeq: loaded.snapshotSeq, rows: new Set([...loaded.seqs, marker!]) });
    if (!replaced) {
      if (attempt >= ATTEMPTS) throw conflict('section_compacted');
      continue;
    }
    await ctx.db.transaction((tx) =>
      recordAudit(tx, {
        proposalId: section.proposalId,
        sectionId,
        actorId,
        action: 'section.repaired',
        data: { levelBefore, backupSnapshotId: written.backupSnapshotId },
      }),
    );
    const closedSockets = ctx.collab.closeSection(sectionId, closeCode.documentTooDeep, 'section_repaired');
    ctx.events.publish({ type: 'section.changed', proposalId: section.proposalId, sectionId });
    return { kind: 'repaired', levelBefore, backupSnapshotId: written.backupSnapshotId, closedSockets };
  }
}

/** The repaired document's whole state, made on `doc` (a scratch copy): its content flattened to the limit, deep content collected. */
function repairedState(doc: Y.Doc): Uint8Array {
  const fragment = doc.getXmlFragment(sectionField);
  const blocks = cloneBlocks(fragment);
  clearWithoutRecursion(doc, fragment);
  doc.transact(() => fragment.insert(0, blocks));
  const still = findTooDeepInDoc(doc);
  if (still) throw new Error(`repair left a node at level ${still.level} (limit ${still.limit}): content outside the section's fragment`);
  return Y.encodeStateAsUpdate(doc);
}
