import type * as Y from 'yjs';
import { sectionChars } from '../../shared/document/text-blocks';
import { recordAudit } from '../db/audit';
import type { Sql } from '../db/sql';
import { addEditUnits } from '../db/verdicts';
import { storedDocChars } from '../section-stats';
import type { EventBus } from '../events';

/**
 * What this instance's persisted edits do to a section beyond its text, computed
 * after the commit and never on the room's persist-then-broadcast path:
 * - VRD5: the section's edit counter (`sections.edit_units`) grows by the edit units
 *   of each socket or server edit, and verdicts the counter has moved past their
 *   threshold go stale (audit `section.verdicts_reset`, event `verdicts.changed`);
 * - VRD6: the first persisted edit that leaves the section with text moves it from
 *   `not_started` to `drafting`, once (a conditional update: with several instances,
 *   the one whose commit gets there first does it).
 * Debounced per section like the stats recompute: one statement a second or so for a
 * fast typist, not one per keystroke.
 */

/**
 * Edit units of one Yjs transaction: the items it inserted plus the items it deleted
 * (only those not deleted before). Text counts one unit per UTF-16 code unit; a
 * paragraph, list item or other element, and a formatting mark, one unit each.
 */
export function editUnits(tr: Y.Transaction): number {
  let inserted = 0;
  for (const [client, after] of tr.afterState) inserted += after - (tr.beforeState.get(client) ?? 0);
  let deleted = 0;
  for (const items of tr.deleteSet.clients.values()) for (const item of items) deleted += item.len;
  return inserted + deleted;
}

export interface EditVolumeDeps {
  db: Sql;
  events: EventBus;
  /** The live doc of a loaded room, or null. */
  liveDoc(docId: string): Y.Doc | null;
  /** Runs `then` once everything the room accepted so far is committed (at once when it is not loaded). */
  afterCommitted(docId: string, then: () => void): void;
  log(message: string, err: unknown): void;
}

interface Due {
  units: number;
  /** Whose edit it was (the latest), for the automatic status change's audit event. */
  userId: string | null;
  timer: NodeJS.Timeout;
  first: number;
}

export class EditVolume {
  private readonly due = new Map<string, Due>();
  private readonly running = new Set<Promise<void>>();
  /** Sections known to have left `not_started` (it is never re-entered). */
  private readonly started = new Set<string>();
  private closed = false;

  constructor(
    private readonly deps: EditVolumeDeps,
    private readonly delayMs = 300,
    private readonly maxWaitMs = 1500,
  ) {}

  /** A socket or server edit of `units` by `userId` was applied to the room's doc (not yet committed). */
  noted(docId: string, units: number, userId: string | null): void {
    if (this.closed || units <= 0) return;
    const now = Date.now();
    const existing = this.due.get(docId);
    if (existing) clearTimeout(existing.timer);
    const first = existing?.first ?? now;
    const wait = Math.max(0, Math.min(this.delayMs, first + this.maxWaitMs - now));
    const timer = setTimeout(() => this.fire(docId), wait);
    timer.unref();
    this.due.set(docId, { units: (existing?.units ?? 0) + units, userId: userId ?? existing?.userId ?? null, timer, first });
  }

  private fire(docId: string): void {
    const d = this.due.get(docId);
    if (!d) return;
    this.due.delete(docId);
    // After the commit: a failed commit drops the room (and this callback) and its clients resend.
    this.deps.afterCommitted(docId, () => {
      const run = this.flush(docId, d.units, d.userId).catch((err: unknown) => this.deps.log(`edit volume of ${docId} failed`, err));
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    });
  }

  private async flush(docId: string, units: number, userId: string | null): Promise<void> {
    if (this.closed) return;
    await this.maybeStartDrafting(docId, userId);
    const counted = await addEditUnits(this.deps.db, docId, units);
    if (!counted || counted.staled === 0) return;
    await recordAudit(this.deps.db, {
      proposalId: counted.proposalId,
      sectionId: docId,
      actorId: null,
      action: 'section.verdicts_reset',
      data: { count: counted.staled, reason: 'text_changed' },
    });
    this.deps.events.publish({ type: 'verdicts.changed', proposalId: counted.proposalId, sectionId: docId });
  }

  /** VRD6: not_started → drafting on the first persisted edit that leaves text. */
  private async maybeStartDrafting(docId: string, userId: string | null): Promise<void> {
    if (this.started.has(docId)) return;
    // The room may have unloaded already (its last writer typed one line and left): count what is stored.
    const live = this.deps.liveDoc(docId);
    const chars = live ? sectionChars(live) : await storedDocChars(this.deps.db, docId);
    if (chars === 0) return;
    const moved = await this.deps.db.transaction(async (tx) => {
      const [row] = await tx.query<{ proposalId: string }>(
        `update sections set status = 'drafting', updated_at = now() where id = $1 and status = 'not_started' returning proposal_id as "proposalId"`,
        [docId],
      );
      if (!row) return null;
      await recordAudit(tx, {
        proposalId: row.proposalId,
        sectionId: docId,
        actorId: userId,
        action: 'section.status_changed',
        data: { from: 'not_started', to: 'drafting', auto: true },
      });
      return row.proposalId;
    });
    this.started.add(docId);
    if (moved !== null) this.deps.events.publish({ type: 'section.changed', proposalId: moved, sectionId: docId });
  }

  /** Drops pending work and waits for running flushes (before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    for (const { timer } of this.due.values()) clearTimeout(timer);
    this.due.clear();
    await Promise.all([...this.running]);
  }
}
