import type { ServerContext } from '../context';
import { docLastSeq, loadDoc } from '../db/doc-updates';
import type { Sql } from '../db/sql';

/**
 * A section's stored state merged on the work pool BEFORE the transaction that
 * stores it (approval, restore backup, submission): on PGlite nothing else runs
 * while a transaction is open, and the merge of a multi-MB section would hold
 * every room and request behind it. The merge remembers the log position it
 * covers (`lastSeq`); the transaction, once it holds the lock that stops
 * appends, checks that position and merges again only when the log moved.
 */
export interface MergedState {
  sectionId: string;
  state: Uint8Array;
  chars: number;
  /** The highest seq the merge covers (docLastSeq at the read). */
  lastSeq: number;
}

/** Reads the section's log on `db` (one statement) and merges it on the pool. */
export async function mergeOnPool(ctx: Pick<ServerContext, 'work'>, db: Sql, sectionId: string): Promise<MergedState> {
  const { snapshot, updates, lastSeq } = await loadDoc(db, sectionId);
  const merged = await ctx.work.run({ kind: 'section-state', stored: { snapshot, updates } });
  return { sectionId, state: merged.state, chars: merged.chars, lastSeq };
}

/** Whether the log still ends where `merged` was read (call on the transaction that holds the section against appends). */
export async function isCurrent(tx: Sql, merged: MergedState): Promise<boolean> {
  return (await docLastSeq(tx, merged.sectionId)) === merged.lastSeq;
}

/**
 * `merged` when the log has not moved since it was read, else the state merged
 * again from `tx` (on the pool: the event loop stays free, though on PGlite the
 * database waits for it). The caller holds the lock that stops appends.
 */
export async function currentState(ctx: Pick<ServerContext, 'work'>, tx: Sql, merged: MergedState): Promise<MergedState> {
  return (await isCurrent(tx, merged)) ? merged : mergeOnPool(ctx, tx, merged.sectionId);
}
