import type * as Y from 'yjs';
import { completeness } from '../shared/completeness';
import type { Sql } from './db/sql';
import { findSectionById, type SectionRow } from './db/sections';
import { loadStoredDoc } from './db/doc-updates';
import { openThreadCount } from './db/comments';
import type { EventBus } from './events';
import { sectionChars } from '../shared/document/text-blocks';

/**
 * Stored text statistics of sections (`sections.char_count`), recomputed after
 * persisted edits, debounced per section, and pushed as `completeness.changed`.
 * The counting rule is the shared reader's (shared/document/text-blocks.ts, shared/char-count.ts).
 */

/** The meter of a section row given its character count and open threads (the same as the presenters'). */
export function sectionScore(s: SectionRow, chars: number, openThreads: number) {
  const spec = { minChars: s.minChars, maxChars: s.maxChars, guidance: s.guidance, requiredItems: s.requiredItems };
  const state = { status: s.status, notApplicable: s.notApplicableReason !== null, blockedReason: s.blockedReason };
  return completeness(spec, { chars, checked: s.checklist, itemsPresent: s.itemsPresent }, state, openThreads);
}

/** Stored character counts of every section of a proposal. */
export async function storedCharCounts(db: Sql, proposalId: string): Promise<Map<string, { chars: number; statsUpdatedAt: Date | null }>> {
  const rows = await db.query<{ id: string; chars: number; statsUpdatedAt: Date | null }>(
    `select id, char_count as chars, stats_updated_at as "statsUpdatedAt" from sections where proposal_id = $1`,
    [proposalId],
  );
  return new Map(rows.map((r) => [r.id, { chars: r.chars, statsUpdatedAt: r.statsUpdatedAt }]));
}

/** Characters of the section's stored document. */
export async function storedDocChars(db: Sql, sectionId: string): Promise<number> {
  const doc = await loadStoredDoc(db, sectionId);
  try {
    return sectionChars(doc);
  } finally {
    doc.destroy();
  }
}

export interface StatsDeps {
  db: Sql;
  events: EventBus;
  /** The live doc of a loaded room, or null (the recompute then reads storage). */
  liveDoc(docId: string): Y.Doc | null;
  log(message: string, err: unknown): void;
}

/**
 * Debounced recompute: `schedule(docId)` after an edit; the count runs
 * `delayMs` after the last one (but at most `maxWaitMs` after the first), so
 * a fast typist costs one UPDATE a second or so, not one per keystroke.
 */
export class StatsRecomputer {
  private readonly due = new Map<string, { timer: NodeJS.Timeout; first: number }>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly deps: StatsDeps,
    private readonly delayMs = 300,
    private readonly maxWaitMs = 1500,
  ) {}

  schedule(docId: string): void {
    if (this.closed) return;
    const now = Date.now();
    const existing = this.due.get(docId);
    const first = existing?.first ?? now;
    if (existing) clearTimeout(existing.timer);
    const wait = Math.max(0, Math.min(this.delayMs, first + this.maxWaitMs - now));
    const timer = setTimeout(() => {
      this.due.delete(docId);
      const run = this.recompute(docId).catch((err: unknown) => this.deps.log(`stats recompute of ${docId} failed`, err));
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, wait);
    timer.unref();
    this.due.set(docId, { timer, first });
  }

  /** Counts the section now; stores and publishes only when the count changed. */
  async recompute(docId: string): Promise<void> {
    const live = this.deps.liveDoc(docId);
    const chars = live ? sectionChars(live) : await storedDocChars(this.deps.db, docId);
    if (this.closed) return;
    const changed = await this.deps.db.query<{ id: string }>(
      `update sections set char_count = $2, stats_updated_at = now() where id = $1 and char_count <> $2 returning id`,
      [docId, chars],
    );
    if (changed.length === 0) return;
    const section = await findSectionById(this.deps.db, docId);
    if (!section) return;
    const score = sectionScore(section, chars, await openThreadCount(this.deps.db, docId)).score;
    this.deps.events.publish({ type: 'completeness.changed', proposalId: section.proposalId, sectionId: docId, chars, score });
  }

  /** Drops pending recomputes and waits for running ones (before the database closes). */
  async close(): Promise<void> {
    this.closed = true;
    for (const { timer } of this.due.values()) clearTimeout(timer);
    this.due.clear();
    await Promise.all([...this.running]);
  }
}

/** Stored characters and open threads per section of a proposal, for the presenters' meters. */
export async function loadSectionStats(db: Sql, proposalId: string): Promise<Map<string, { chars: number; openThreads: number }>> {
  const rows = await db.query<{ id: string; chars: number; openThreads: number }>(
    `select s.id, s.char_count as chars,
       (select count(*)::int8 from comments c where c.section_id = s.id and c.parent_id is null and c.status = 'open') as "openThreads"
     from sections s where s.proposal_id = $1`,
    [proposalId],
  );
  return new Map(rows.map((r) => [r.id, { chars: r.chars, openThreads: r.openThreads }]));
}
