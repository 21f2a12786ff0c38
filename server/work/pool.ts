import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { limits } from '../../shared/limits';
import { refusal } from '../errors';
import type { JobKind, JobOf, JobResult, WorkJob } from './jobs';

/**
 * The server's worker threads for heavy work (snapshots, exports, diffs,
 * preflight; see jobs.ts), so that merging and rendering a big proposal never
 * holds up the event loop that serves every room. Database I/O stays on the
 * main thread: it reads bytes, a worker turns them into bytes or data.
 *
 * A job that throws, or whose worker dies (its heap limit, a crash), fails
 * alone: piscina rejects that job and starts a new worker for the next ones.
 * Workers run at a lower scheduling priority than the main thread, so on a
 * machine with few cores typing in other rooms still comes first.
 *
 * Admission: each kind of heavy request (`Gate`) has a per-instance cap on
 * how many run at once; past it the request is refused with 429 and
 * Retry-After before any work starts.
 */

/** Kinds of heavy request admitted separately, each with its own cap. */
export type Gate = 'export' | 'snapshot' | 'history';

const gateLimits: Record<Gate, number> = {
  export: limits.maxExportsAtOnce,
  snapshot: limits.maxSnapshotJobsAtOnce,
  history: limits.maxHistoryJobsAtOnce,
};

export interface WorkPoolOptions {
  /** Worker threads (default: one less than the cores, at least 1, at most 4: the main thread keeps a core). */
  threads?: number;
  /** Heap limit of each worker in MiB; a job past it fails alone and its worker is replaced. */
  maxHeapMb?: number;
  /** Per-instance caps of heavy requests at once (default: the limits in shared/limits.ts). */
  gates?: Partial<Record<Gate, number>>;
  /** Told of a worker that failed with no job to fail (its job's own failure goes to that job's caller). */
  onWorkerError?: (err: unknown) => void;
}

/**
 * Where the worker entry is. This module's own file says how the server runs:
 * from TypeScript sources (a .ts file: the worker registers tsx itself, see
 * source-worker.mjs) or compiled (dist-server/main.js, with work-worker.js
 * beside it; scripts/build-server.ts writes both).
 */
function workerEntry(): string {
  const here = import.meta.filename;
  const entry = here.endsWith('.ts') ? join(dirname(here), 'source-worker.mjs') : join(dirname(here), 'work-worker.js');
  return pathToFileURL(entry).href;
}

export class WorkPool {
  private readonly pool: Piscina<WorkJob, JobResult<JobKind>>;
  private readonly caps: Record<Gate, number>;
  private readonly running: Record<Gate, number> = { export: 0, snapshot: 0, history: 0 };

  constructor(opts: WorkPoolOptions = {}) {
    const threads = opts.threads ?? Math.min(4, Math.max(1, availableParallelism() - 1));
    this.caps = { ...gateLimits, ...opts.gates };
    this.pool = new Piscina({
      filename: workerEntry(),
      minThreads: 0,
      maxThreads: threads,
      // A worker idle this long exits (it holds Yjs and the renderers: tens of MiB).
      idleTimeout: 30_000,
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 1024 },
      // Lower priority than the main thread (Linux; elsewhere a no-op).
      niceIncrement: 10,
    });
    // Without a listener, a worker that died between jobs would throw from the pool's emitter.
    this.pool.on('error', (err: unknown) => opts.onWorkerError?.(err));
  }

  /** Runs one job on a worker thread. */
  run<K extends JobKind>(job: JobOf<K>): Promise<JobResult<K>> {
    return this.pool.run(job) as Promise<JobResult<K>>;
  }

  /**
   * Runs `fn` as one heavy request of `gate`, or refuses it at once with 429
   * (`<gate>_busy`, the cap as `limit`, Retry-After) when the cap is reached.
   */
  async admit<T>(gate: Gate, fn: () => Promise<T>): Promise<T> {
    const limit = this.caps[gate];
    if (this.running[gate] >= limit) {
      throw refusal('too_many_requests', `${gate}_busy`, { limit }, { 'Retry-After': String(limits.busyRetryAfterSeconds) });
    }
    this.running[gate]++;
    try {
      return await fn();
    } finally {
      this.running[gate]--;
    }
  }

  /** Heavy requests of `gate` running now (metrics, tests). */
  inFlight(gate: Gate): number {
    return this.running[gate];
  }

  /** Stops the workers; jobs still queued or running are rejected. */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
