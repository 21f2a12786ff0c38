import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../../api';
import type { Proposal } from '../../../shared/schemas';
import { useStreamEvents } from '../events/use-proposal-stream';

const POLL_MS = 5000;

export type ProposalState = { status: 'loading' } | { status: 'ready'; proposal: Proposal } | { status: 'error'; error: ApiError | Error };

/** Loads a proposal and reloads it on demand (rights changed) and when the window regains focus. */
export function useProposal(id: string): { state: ProposalState; reload: () => void; replace: (p: Proposal) => void } {
  const [state, setState] = useState<ProposalState>({ status: 'loading' });
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    api.proposal(id).then(
      ({ proposal }) => live && setState({ status: 'ready', proposal }),
      (err: unknown) => {
        if (!live) return;
        // A failed refresh (offline, server restarting) keeps the proposal we have.
        setState((prev) => (prev.status === 'ready' ? prev : { status: 'error', error: err instanceof Error ? err : new Error(String(err)) }));
      },
    );
    return () => {
      live = false;
    };
  }, [id, tick]);

  useEffect(() => {
    const onFocus = () => setTick((n) => n + 1);
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, []);

  // Owners, roles and statuses change under us: follow the proposal's event stream,
  // or poll while the page is visible when the stream is not available.
  const streamState = useStreamEvents(id, (event) => {
    if (event.type === 'section' || event.type === 'proposal') setTick((n) => n + 1);
  });
  useEffect(() => {
    if (streamState !== 'closed') return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [streamState]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const replace = useCallback((proposal: Proposal) => setState({ status: 'ready', proposal }), []);
  return { state, reload, replace };
}
