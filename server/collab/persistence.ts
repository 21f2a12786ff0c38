import { limits } from '../../shared/limits';
import type { Sql } from '../db/sql';
import { compactDoc, type StateHolds } from '../db/doc-compaction';
import { appendToOpenDocs, loadDoc, refused, type LoadedDoc, type NewDocUpdate } from '../db/doc-updates';
import { SectionLocked } from './room-types';

/**
 * Group commit: the first update starts a commit at once (after the current
 * task when the committer was idle, else after the current loop turn, so updates
 * that arrive together share it); every update enqueued while a commit
 * is in flight goes into the NEXT transaction (one multi-row insert). A window
 * (`limits.groupCommitWindowMs` > 0) delays the first commit to batch more.
 * Promises resolve with each update's seq once its transaction has committed,
 * in enqueue order, or reject with `SectionLocked` for a row the log refused
 * (the rest of the batch is stored). One committer per process serves every room.
 */
export interface Persistence {
  load(docId: string): Promise<LoadedDoc>;
  /** Resolves with the row's seq once committed; rejects with `SectionLocked` when the log refuses the row. */
  append(docId: string, update: Uint8Array, userId: string | null): Promise<number>;
  compact(docId: string, state: Uint8Array, uptoSeq: number, holds: StateHolds): Promise<boolean>;
  /** Resolves when everything enqueued so far has committed (or failed). */
  flush(): Promise<void>;
}

/** A committer idle this long (ms) starts the next commit at once; a busy one waits a loop turn to batch. */
const IDLE_MS = 2;
/** Rows per commit: a flood commits in slices, not in one statement that blocks the loop. */
const MAX_BATCH = 256;

/** Told after every committed batch: its rows and the seconds its transaction took (metrics). */
export type CommitObserver = (rows: number, seconds: number) => void;

interface Pending extends NewDocUpdate {
  resolve(seq: number): void;
  reject(err: unknown): void;
}

export class GroupCommitter implements Persistence {
  private queue: Pending[] = [];
  private inFlight: Promise<void> | null = null;
  private timer: { kind: 'timeout'; handle: NodeJS.Timeout } | { kind: 'immediate'; handle: NodeJS.Immediate } | null = null;
  private lastCommitAt = 0;
  /** Number of commits issued (tests read it to check batching). */
  commits = 0;

  constructor(
    private readonly db: Sql,
    private readonly windowMs: number = limits.groupCommitWindowMs,
    private readonly observe: CommitObserver | null = null,
  ) {}

  load(docId: string): Promise<LoadedDoc> {
    return loadDoc(this.db, docId);
  }

  compact(docId: string, state: Uint8Array, uptoSeq: number, holds: StateHolds): Promise<boolean> {
    return compactDoc(this.db, docId, state, uptoSeq, holds);
  }

  append(docId: string, update: Uint8Array, userId: string | null): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ docId, update, userId, resolve, reject });
      this.schedule();
    });
  }

  async flush(): Promise<void> {
    if (this.timer) {
      this.cancelTimer();
      if (!this.inFlight) this.inFlight = this.commit();
    }
    while (this.inFlight) await this.inFlight;
  }

  private schedule(): void {
    // While a commit is in flight, the queue waits for it; commit() chains the next batch.
    if (this.inFlight || this.timer) return;
    if (this.windowMs === 0 && performance.now() - this.lastCommitAt > IDLE_MS) {
      // An isolated update: commit at the end of this task (a microtask), not a loop turn
      // later. Updates of the same task still join, as commit() yields once first.
      this.inFlight = this.commit();
      return;
    }
    const start = () => {
      this.timer = null;
      if (!this.inFlight) this.inFlight = this.commit();
    };
    this.timer =
      this.windowMs > 0 ? { kind: 'timeout', handle: setTimeout(start, this.windowMs) } : { kind: 'immediate', handle: setImmediate(start) };
  }

  private cancelTimer(): void {
    const t = this.timer;
    this.timer = null;
    if (t === null) return;
    switch (t.kind) {
      case 'timeout':
        clearTimeout(t.handle);
        return;
      case 'immediate':
        clearImmediate(t.handle);
        return;
    }
  }

  private async commit(): Promise<void> {
    await Promise.resolve();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.commits++;
      try {
        const t0 = performance.now();
        const outcomes = await appendToOpenDocs(this.db, batch);
        this.observe?.(batch.length, (performance.now() - t0) / 1000);
        batch.forEach((p, i) => {
          const outcome = outcomes[i];
          if (outcome === undefined) p.reject(new Error('the append returned no outcome for a row'));
          else if (outcome === refused) p.reject(new SectionLocked(p.docId));
          else p.resolve(outcome);
        });
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
      // PGlite commits synchronously: under a flood, let the event loop turn between batches.
      if (this.queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.lastCommitAt = performance.now();
    this.inFlight = null;
  }
}
