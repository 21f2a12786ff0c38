import * as Y from 'yjs';
import { limits } from '../../shared/limits';
import type { ServerContext } from '../context';
import { recordAudit } from '../db/audit';
import { loadStoredDoc } from '../db/doc-updates';
import { findProposalById } from '../db/proposals';
import { listSections } from '../db/sections';
import type { SnapshotLabel } from '../../shared/schemas/history';
import { findSnapshot, insertSnapshot, manualSnapshotUsage, pruneRestoreBackups, type SnapshotKind, type SnapshotRow, type SnapshotUsage } from '../db/snapshots';
import type { Sql } from '../db/sql';
import { notFound, refusal } from '../errors';
import { readStoredDoc } from '../export/export-source';
import { authorize, loadActor } from '../policy';
import { sectionChars } from '../../shared/document/text-blocks';

/**
 * Named snapshots: the stored Yjs state of sections at one moment. Approval
 * takes one of its section inside the approving transaction; a coordinator
 * can take one of the whole proposal at any time.
 *
 * A whole-proposal snapshot reads each section's log on the main thread and
 * merges it on the work pool (ctx.work), outside any transaction (PGlite runs
 * nothing else while a transaction is open); a short transaction then checks
 * the limits and stores it.
 */

/** What snapshot commands reach: the database and the work pool. */
export type SnapshotContext = Pick<ServerContext, 'db' | 'work'>;

export interface SectionState {
  sectionId: string;
  state: Uint8Array;
  chars: number;
}

/** The section's stored state (snapshot + every later update, one read) as one update, with its character count, on the caller's thread. */
export async function storedSectionState(db: Sql, sectionId: string): Promise<{ state: Uint8Array; chars: number }> {
  const doc = await loadStoredDoc(db, sectionId);
  try {
    return { state: Y.encodeStateAsUpdate(doc), chars: sectionChars(doc) };
  } finally {
    doc.destroy();
  }
}

/** The same, merged on the work pool: the database read stays on `db` (a transaction's, when given one). */
export async function pooledSectionState(ctx: Pick<ServerContext, 'work'>, db: Sql, sectionId: string): Promise<SectionState> {
  return { sectionId, ...(await ctx.work.run({ kind: 'section-state', stored: await readStoredDoc(db, sectionId) })) };
}

/** Every section's stored state, in template order: one read and one pool job per section, one section at a time (a bounded amount in memory). */
export async function proposalStates(ctx: SnapshotContext, proposalId: string): Promise<SectionState[]> {
  const states: SectionState[] = [];
  for (const section of await listSections(ctx.db, proposalId)) states.push(await pooledSectionState(ctx, ctx.db, section.id));
  return states;
}

/**
 * Snapshots one section; call inside the caller's transaction. Returns the
 * snapshot id. A restore backup (`before_restore`) prunes that section's
 * backups past `limits.maxRestoreBackupsPerSection`, oldest first.
 */
export async function snapshotSection(
  tx: Sql,
  s: { proposalId: string; sectionId: string; label: SnapshotLabel; kind: SnapshotKind; createdBy: string | null },
): Promise<string> {
  const { state, chars } = await storedSectionState(tx, s.sectionId);
  const id = await insertSnapshot(tx, { ...s, states: [{ sectionId: s.sectionId, state, chars }] });
  if (s.kind === 'before_restore') await pruneRestoreBackups(tx, s.sectionId, limits.maxRestoreBackupsPerSection);
  return id;
}

/** The approval snapshot's name (TPL4): the section's number and title, shown as "Approved: 2.1 Relevance of the project" in the reader's language. */
export function approvalSnapshotLabel(section: { number: string; title: string }): SnapshotLabel {
  return { kind: 'approval', params: { number: section.number, title: section.title.slice(0, 200) } };
}

const stateBytes = (states: readonly SectionState[]) => states.reduce((n, s) => n + s.state.byteLength, 0);

/** 413 when the proposal already holds `maxSnapshotsPerProposal` manual snapshots, or `adding` bytes would pass `maxSnapshotBytesPerProposal`. */
function checkSnapshotLimits(usage: SnapshotUsage, adding: number): void {
  if (usage.count >= limits.maxSnapshotsPerProposal) throw refusal('payload_too_large', 'snapshot_limit', { limit: limits.maxSnapshotsPerProposal });
  if (usage.bytes + adding > limits.maxSnapshotBytesPerProposal) {
    throw refusal('payload_too_large', 'snapshot_size_limit', { limit: limits.maxSnapshotBytesPerProposal, used: usage.bytes, size: adding });
  }
}

/**
 * A coordinator's named snapshot of every section of the proposal, with its
 * audit event. Refused before any work: 404/403, 413 at the snapshot limits,
 * 429 while `maxSnapshotJobsAtOnce` snapshots run on this instance.
 */
export async function takeProposalSnapshot(ctx: SnapshotContext & Pick<ServerContext, 'events'>, userId: string, proposalId: string, name: string): Promise<SnapshotRow> {
  if (!(await findProposalById(ctx.db, proposalId))) throw notFound('Proposal');
  authorize(await loadActor(ctx.db, userId, proposalId), 'proposal.manage');
  checkSnapshotLimits(await manualSnapshotUsage(ctx.db, proposalId), 0);
  const id = await ctx.work.admit('snapshot', async () => {
    const states = await proposalStates(ctx, proposalId);
    return ctx.db.transaction(async (tx) => {
      authorize(await loadActor(tx, userId, proposalId), 'proposal.manage');
      checkSnapshotLimits(await manualSnapshotUsage(tx, proposalId, { lock: true }), stateBytes(states));
      const label: SnapshotLabel = { kind: 'manual', params: { name } };
      const snapshotId = await insertSnapshot(tx, { proposalId, label, kind: 'manual', sectionId: null, createdBy: userId, states });
      await recordAudit(tx, { proposalId, actorId: userId, action: 'snapshot.created', data: { snapshotId, name, kind: 'manual', label } });
      return snapshotId;
    });
  });
  ctx.events.publish({ type: 'snapshots.changed', proposalId });
  const row = await findSnapshot(ctx.db, id);
  if (!row) throw new Error('snapshot vanished');
  return row;
}
