import { limits } from '../../shared/limits';
import type { StateHolds } from '../db/doc-compaction';
import type { LoadedDoc } from '../db/doc-updates';

/** What a room's log needs from storage. */
export interface LogStorage {
  /** `holds`: the stored snapshot and rows `state` already holds (storage need not merge them again). */
  compact(docId: string, state: Uint8Array, uptoSeq: number, holds: StateHolds): Promise<boolean>;
}

/**
 * A room's view of its stored log: rows and bytes since the snapshot, the highest
 * committed seq, the snapshot its doc holds, and the compaction policy (past the
 * row or byte limit, at most once per `compactMinIntervalMs` unless far past it,
 * and whatever is left when the room empties). One compaction at a time.
 */
export class RoomLog {
  /** Highest committed seq of this doc; rows up to it are in the room's doc. */
  private lastSeq = 0;
  /** The stored snapshot the room's doc holds: the one loaded or last written here. */
  private snapshotSeq = 0;
  /** Rows after that snapshot the room's doc holds: loaded, caught up or committed here. */
  private held = new Set<number>();
  private rows = 0;
  private bytes = 0;
  /** Upper bound of the encoded doc size (snapshot + every delta since). */
  docBytes = 0;
  /** The compaction in flight, if any. */
  compacting: Promise<void> | null = null;
  /** When the last compaction started (performance.now()); -Infinity before the first. */
  private compactedAt = -Infinity;
  /** The room emptied while a compaction ran: compact what came after it once it ends. */
  private idleAfter = false;

  constructor(
    private readonly docId: string,
    private readonly storage: LogStorage,
    private readonly log: (message: string, err: unknown) => void,
  ) {}

  /** The room's doc now holds `loaded`. */
  loaded(loaded: LoadedDoc): void {
    this.lastSeq = loaded.lastSeq;
    this.snapshotSeq = loaded.snapshotSeq;
    this.held = new Set(loaded.seqs);
    this.rows = loaded.updates.length;
    this.bytes = loaded.updateBytes;
    this.docBytes = (loaded.snapshot?.byteLength ?? 0) + loaded.updateBytes;
  }

  /** The room's doc re-read the whole stored doc (a catch-up), snapshot included. */
  caughtUp(loaded: LoadedDoc): void {
    this.snapshotSeq = loaded.snapshotSeq;
    for (const seq of loaded.seqs) this.held.add(seq);
  }

  /** A delta joined the doc (committed here or elsewhere). */
  grew(bytes: number): void {
    this.docBytes += bytes;
  }

  /** A delta of this room committed as row `seq`. */
  committed(seq: number, bytes: number): void {
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.held.add(seq);
    this.rows++;
    this.bytes += bytes;
  }

  /**
   * Compacts past the row or byte limit; `whenIdle` compacts any rows at all (the
   * room is emptying), so the next load, often a cold one after a restart, reads
   * one snapshot instead of replaying hundreds of keystrokes. `encode` is the doc's
   * whole state: every row up to lastSeq is in it, and newer, not yet committed
   * content is harmless in a snapshot (updates are idempotent). `settled` runs once
   * the compaction is over, whatever its outcome. A room that empties during a busy
   * compaction gets its idle one right after it (not after a failed one: no loop):
   * else a restart right after a workshop replayed thousands of keystrokes.
   */
  maybeCompact(whenIdle: boolean, encode: () => Uint8Array, settled: () => void): void {
    if (this.compacting) {
      if (whenIdle) this.idleAfter = true;
      return;
    }
    if (whenIdle ? this.rows === 0 : this.rows <= limits.compactAfterRows && this.bytes <= limits.compactAfterBytes) return;
    const hardLimit = this.rows > limits.compactAfterRows * 10 || this.bytes > limits.compactAfterBytes * 10;
    if (!whenIdle && !hardLimit && performance.now() - this.compactedAt < limits.compactMinIntervalMs) return;
    this.compactedAt = performance.now();
    const state = encode();
    const uptoSeq = this.lastSeq;
    const rows = this.rows;
    const bytes = this.bytes;
    let failed = false;
    this.compacting = this.storage
      // The rows held now, when `state` is encoded (a catch-up during the compaction adds rows `state` lacks).
      .compact(this.docId, state, uptoSeq, { snapshotSeq: this.snapshotSeq, rows: new Set(this.held) })
      .then(
        (done) => {
          if (done) this.snapshotSeq = uptoSeq;
          for (const seq of this.held) if (seq <= uptoSeq) this.held.delete(seq);
          // Not done means a newer snapshot (another instance's) already covers these rows:
          // they are gone either way, so stop counting them (or every commit would retry).
          this.rows -= rows;
          this.bytes -= bytes;
          if (done) this.docBytes = state.byteLength + this.bytes;
        },
        (err) => {
          failed = true;
          this.log(`room ${this.docId}: compaction failed`, err);
        },
      )
      .finally(() => {
        this.compacting = null;
        const idle = this.idleAfter && !failed;
        this.idleAfter = false;
        if (idle) this.maybeCompact(true, encode, settled);
        if (!this.compacting) settled();
      });
  }
}
