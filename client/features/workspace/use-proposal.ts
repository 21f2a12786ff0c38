import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../../api';
import type { Proposal } from '../../../shared/schemas';

export type ProposalState = { status: 'loading' } | { status: 'ready'; proposal: Proposal } | { status: 'error'; error: ApiError | Error };

/** Loads a proposal and reloads it on demand (rights changed) and when the window regains focus. */
export function useProposal(id: string): { state: ProposalState; reload: () => void; replace: (p: Proposal) => void } {
  const [state, setState] = useState<ProposalState>({ status: 'loading' });
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    api.proposal(id).then(
      ({ proposal }) => live && setState({ status: 'ready', proposal }),
      (err: unknown) => live && setState({ status: 'error', error: err instanceof Error ? err : new Error(String(err)) }),
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

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const replace = useCallback((proposal: Proposal) => setState({ status: 'ready', proposal }), []);
  return { state, reload, replace };
}
