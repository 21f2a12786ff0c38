import * as Y from 'yjs';
import { recordAudit } from '../db/audit';
import { loadStoredDoc } from '../db/doc-updates';
import { findProposalById } from '../db/proposals';
import { listSections } from '../db/sections';
import { findSnapshot, insertSnapshot, type SnapshotKind, type SnapshotRow } from '../db/snapshots';
import type { Sql } from '../db/sql';
import { notFound } from '../errors';
import { authorize, loadActor } from '../policy';
import { sectionChars } from '../../shared/document/text-blocks';
import type { CommandContext } from './create-proposal';

/**
 * Named snapshots: the stored Yjs state of sections at one moment. Approval
 * takes one of its section inside the approving transaction; a coordinator
 * can take one of the whole proposal at any time.
 */

/** The section's stored state (snapshot + every later update, one read) as one update, with its character count. */
export async function storedSectionState(db: Sql, sectionId: string): Promise<{ state: Uint8Array; chars: number }> {
  const doc = await loadStoredDoc(db, sectionId);
  try {
    return { state: Y.encodeStateAsUpdate(doc), chars: sectionChars(doc) };
  } finally {
    doc.destroy();
  }
}

/** Snapshots one section; call inside the caller's transaction. Returns the snapshot id. */
export async function snapshotSection(
  tx: Sql,
  s: { proposalId: string; sectionId: string; name: string; kind: SnapshotKind; createdBy: string | null },
): Promise<string> {
  const { state, chars } = await storedSectionState(tx, s.sectionId);
  return insertSnapshot(tx, { ...s, states: [{ sectionId: s.sectionId, state, chars }] });
}

/** The approval snapshot's name, e.g. "Approved: 2.1 Relevance of the project". */
export function approvalSnapshotName(section: { number: string; title: string }): string {
  return `Approved: ${section.number} ${section.title}`.slice(0, 200);
}

/** A coordinator's named snapshot of every section of the proposal, with its audit event. */
export async function takeProposalSnapshot(ctx: CommandContext, userId: string, proposalId: string, name: string): Promise<SnapshotRow> {
  const id = await ctx.db.transaction(async (tx) => {
    if (!(await findProposalById(tx, proposalId))) throw notFound('Proposal');
    authorize(await loadActor(tx, userId, proposalId), 'proposal.manage');
    const states = [];
    for (const section of await listSections(tx, proposalId)) states.push({ sectionId: section.id, ...(await storedSectionState(tx, section.id)) });
    const snapshotId = await insertSnapshot(tx, { proposalId, name, kind: 'manual', sectionId: null, createdBy: userId, states });
    await recordAudit(tx, { proposalId, actorId: userId, action: 'snapshot.created', data: { snapshotId, name, kind: 'manual' } });
    return snapshotId;
  });
  const row = await findSnapshot(ctx.db, id);
  if (!row) throw new Error('snapshot vanished');
  return row;
}
