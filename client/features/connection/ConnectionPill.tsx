import type { SectionStatus } from '../../collab/provider';
import { useT } from '../../i18n';

/** Online, offline (with unsynced changes) or syncing N changes. */
export function ConnectionPill({ status }: { status: SectionStatus }) {
  const t = useT();
  let kind: 'online' | 'offline' | 'syncing' | 'connecting';
  let text: string;
  if (status.connection === 'offline' || status.closed) {
    kind = 'offline';
    text = status.unsynced > 0 ? t('conn.offlineUnsynced', { count: status.unsynced }) : t('conn.offline');
  } else if (status.connection === 'connecting') {
    kind = 'connecting';
    text = t('conn.connecting');
  } else if (!status.synced || status.unsynced > 0) {
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
