import { useEffect, useState } from 'react';
import type { SectionStatus } from '../../collab/provider';
import { useT } from '../../i18n';

/**
 * Edits the server confirms within this time (ms) never turn the pill to
 * "syncing": a typist's keystrokes are acknowledged in tens of milliseconds, and
 * the pill should not flicker with every key.
 */
const SYNCING_AFTER_MS = 1000;

/**
 * Online, offline (with unsynced changes) or syncing N changes. Offline shows at
 * once (the connection's silence watchdog decides it); `data-unsynced` is always
 * the exact count of unconfirmed edits.
 */
export function ConnectionPill({ status }: { status: SectionStatus }) {
  const t = useT();
  const waiting = status.connection === 'online' && status.synced && status.unsynced > 0;
  const [lagging, setLagging] = useState(false);
  useEffect(() => {
    if (!waiting) {
      setLagging(false);
      return;
    }
    const timer = setTimeout(() => setLagging(true), SYNCING_AFTER_MS);
    return () => clearTimeout(timer);
  }, [waiting]);

  let kind: 'online' | 'offline' | 'syncing' | 'connecting';
  let text: string;
  if (status.connection === 'offline' || status.closed) {
    kind = 'offline';
    text = status.unsynced > 0 ? t('conn.offlineUnsynced', { count: status.unsynced }) : t('conn.offline');
  } else if (status.connection === 'connecting') {
    kind = 'connecting';
    text = t('conn.connecting');
  } else if (!status.synced || (waiting && lagging)) {
    kind = 'syncing';
    text = t('conn.syncing', { count: status.unsynced });
  } else {
    kind = 'online';
    text = t('conn.online');
  }
  return (
    <span className={`pill pill--${kind}`} role="status" aria-live="polite" data-testid="connection-pill" data-state={kind} data-unsynced={status.unsynced}>
      <span className="pill__dot" aria-hidden="true" />
      {text}
    </span>
  );
}
