import { useCallback, useEffect, useState } from 'react';
import type { Thread } from '../../../shared/schemas/review';
import { useStreamEvents } from '../events/use-proposal-stream';
import { reviewApi } from '../review/review-api';

export interface ThreadsState {
  /** The threads of the pages loaded so far, oldest first; null while the first load is running (or failed). */
  readonly threads: readonly Thread[] | null;
  /** Open threads of the whole section (every page), as the server counts them. */
  readonly openThreads: number;
  /** Whether older pages exist past those loaded. */
  readonly hasMore: boolean;
  readonly error: Error | null;
  reload(): void;
  /** Loads the next page (SEC26: threads come a page at a time). */
  loadMore(): void;
}

interface Loaded {
  threads: readonly Thread[];
  openThreads: number;
  next: string | null;
  pages: number;
}

/** Loads `pages` pages from the first, stopping early at the last page. */
async function loadPages(sectionId: string, pages: number): Promise<Loaded> {
  let threads: Thread[] = [];
  let next: string | null = null;
  let openThreads = 0;
  let loaded = 0;
  do {
    const res = await reviewApi.threads(sectionId, next ?? undefined);
    threads = threads.concat(res.threads);
    next = res.next;
    if (loaded === 0) openThreads = res.openThreads;
    loaded++;
  } while (next !== null && loaded < pages);
  return { threads, openThreads, next, pages: loaded };
}

/**
 * A section's comment threads, a page at a time ("show more" loads the next),
 * refetched (as many pages as are shown) when the proposal's stream says one changed.
 */
export function useThreads(proposalId: string, sectionId: string): ThreadsState {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [pages, setPages] = useState(1);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    setLoaded(null);
    setPages(1);
  }, [sectionId]);

  useEffect(() => {
    let live = true;
    loadPages(sectionId, pages).then(
      (res) => {
        if (!live) return;
        setLoaded(res);
        setError(null);
      },
      (err: unknown) => live && setError(err instanceof Error ? err : new Error(String(err))),
    );
    return () => {
      live = false;
    };
  }, [sectionId, tick, pages]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const loadMore = useCallback(() => setPages((n) => n + 1), []);
  useStreamEvents(proposalId, (event) => {
    if (event.type === 'comment' && event.sectionId === sectionId) reload();
  });
  return {
    threads: loaded?.threads ?? null,
    openThreads: loaded?.openThreads ?? 0,
    hasMore: loaded !== null && loaded.next !== null,
    error,
    reload,
    loadMore,
  };
}

/** Open threads of the section (all pages), once the first page is in. */
export function openThreadCount(threads: Pick<ThreadsState, 'threads' | 'openThreads'>): number {
  return threads.threads ? threads.openThreads : 0;
}
