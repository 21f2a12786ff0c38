import { useCallback, useEffect, useState } from 'react';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';

/** `message` is the failure as the reader reads it (client/errors.ts), in the interface language. */
export type Load<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; message: string };

/** Runs `load` whenever `key` changes (or on reload); a stale answer never overwrites a newer one. */
export function useLoad<T>(key: string, load: () => Promise<T>): { state: Load<T>; reload: () => void } {
  const i18n = useI18n();
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setState({ status: 'ready', value }),
      (err: unknown) => live && setState({ status: 'error', message: errorText(err, i18n) }),
    );
    return () => {
      live = false;
    };
    // `load` is keyed by `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { state, reload };
}
