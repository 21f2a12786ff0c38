import { useCallback, useEffect, useReducer, useState } from 'react';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { useStreamEvents } from '../events/use-proposal-stream';
import { historyApi } from '../history/history-api';
import { initialMeetingView, meetingReducer, type MeetingView } from './follow-state';

/**
 * The proposal's open meeting and its facilitator's focus, live: refetched on
 * `meeting` stream events, focus moved by `focus` events.
 */
export function useMeeting(proposalId: string): MeetingView & { follow(): void; unfollow(): void; reload(): void; error: string | null } {
  const i18n = useI18n();
  const [view, dispatch] = useReducer(meetingReducer, initialMeetingView);
  const [tick, setTick] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    historyApi.meetings(proposalId).then(
      ({ meetings }) => {
        if (!live) return;
        setError(null);
        dispatch({ type: 'loaded', meetings });
      },
      (err: unknown) => live && setError(errorText(err, i18n)),
    );
    return () => {
      live = false;
    };
  }, [proposalId, tick]);

  useStreamEvents(proposalId, (event) => {
    if (event.type === 'meeting') setTick((n) => n + 1);
    else if (event.type === 'focus') dispatch({ type: 'focus', meetingId: event.meetingId, sectionId: event.sectionId, scroll: event.scroll });
  });

  const follow = useCallback(() => dispatch({ type: 'follow' }), []);
  const unfollow = useCallback(() => dispatch({ type: 'unfollow' }), []);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...view, follow, unfollow, reload, error };
}
