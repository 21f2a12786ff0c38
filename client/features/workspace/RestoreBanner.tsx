import { useState } from 'react';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import type { RestoredEvent } from '../../../shared/schemas/history';
import { useStreamEvents } from '../events/use-proposal-stream';
import { snapshotLabel } from '../history/snapshot-label';

const enc = encodeURIComponent;

/**
 * Someone restored this section to a snapshot while it was open: who, which
 * snapshot, and a link to the automatic snapshot that keeps the text the
 * restore replaced. From the proposal's event stream, so every open editor of
 * the section sees it at once. Stays until dismissed or the section changes.
 */
export function RestoreBanner({ proposalId, sectionId }: { proposalId: string; sectionId: string }) {
  const { t } = useI18n();
  const [restored, setRestored] = useState<RestoredEvent | null>(null);
  useStreamEvents(proposalId, (e) => {
    if (e.type === 'restored' && e.sectionId === sectionId) setRestored(e);
  });
  if (!restored) return null;
  const snapshot = snapshotLabel(restored.snapshotLabel, t);
  return (
    <div className="banner" role="status" data-testid="restore-banner">
      <p>{t('restore.banner', { name: restored.by.name, snapshot })}</p>
      <p>
        <Link href={`/proposals/${enc(proposalId)}/history/${enc(restored.backupSnapshotId)}`} data-testid="restore-banner-link">
          {t('restore.bannerLink')}
        </Link>{' '}
        <button type="button" className="button button--small" onClick={() => setRestored(null)}>
          {t('restore.dismiss')}
        </button>
      </p>
    </div>
  );
}
