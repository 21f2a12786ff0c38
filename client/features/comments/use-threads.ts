import { useCallback, useEffect, useState } from 'react';
import type { Thread } from '../../../shared/schemas/review';
import { useStreamEvents } from '../events/use-proposal-stream';
import { reviewApi } from '../review/review-api';

export interface ThreadsState {
  /** null while the first load is running (or failed). */
  readonly threads: readonly Thread[] | null;
  readonly error: Error | null;
  reload(): void;
}

/** A section's comment threads, refetched when the proposal's stream says one changed. */
export function useThreads(proposalId: string, sectionId: string): ThreadsState {
  const [threads, setThreads] = useState<readonly Thread[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    setThreads(null);
  }, [sectionId]);

  useEffect(() => {
    let live = true;
    reviewApi.threads(sectionId).then(
      (res) => {
        if (!live) return;
        setThreads(res.threads);
        setError(null);
      },
      (err: unknown) => live && setError(err instanceof Error ? err : new Error(String(err))),
    );
    return () => {
      live = false;
    };
  }, [sectionId, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  useStreamEvents(proposalId, (event) => {
    if (event.type === 'comment' && event.sectionId === sectionId) reload();
  });
  return { threads, error, reload };
}

export function openThreadCount(threads: readonly Thread[] | null): number {
  return threads ? threads.filter((t) => t.status === 'open').length : 0;
}
