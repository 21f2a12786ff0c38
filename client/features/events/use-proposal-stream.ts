import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { PresenceUser, StreamEvent } from '../../../shared/schemas/review';
import { acquireStream, releaseStream, type ProposalStream, type StreamState } from './proposal-stream';

const noop = (): (() => void) => () => undefined;

/** The shared stream of a proposal for as long as the component is mounted. */
export function useProposalStream(proposalId: string): ProposalStream | null {
  const [stream, setStream] = useState<ProposalStream | null>(null);
  useEffect(() => {
    const s = acquireStream(proposalId);
    setStream(s);
    return () => {
      releaseStream(s);
      setStream(null);
    };
  }, [proposalId]);
  return stream;
}

/** Calls `handler` for each event of the proposal's stream (the latest handler, without resubscribing). */
export function useStreamEvents(proposalId: string, handler: (event: StreamEvent) => void): StreamState {
  const stream = useProposalStream(proposalId);
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => stream?.on((e) => ref.current(e)), [stream]);
  return useSyncExternalStore(stream?.subscribe ?? noop, () => stream?.getState() ?? 'connecting');
}

const noPresence = () => null;

/** People per section from the stream's presence events; null until the server has sent one. */
export function useStreamPresence(proposalId: string): ReadonlyMap<string, readonly PresenceUser[]> | null {
  const stream = useProposalStream(proposalId);
  return useSyncExternalStore(stream?.subscribe ?? noop, stream?.getPresence ?? noPresence);
}
