import { useEffect } from 'react';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import { historyApi } from './history-api';
import { latestSnapshotFor } from './snapshot-pick';
import { useLoad } from './use-load';

const enc = encodeURIComponent;

/** A section's "what changed": since its latest snapshot, where the page lets the reader pick another. */
export default function LatestChanges({ proposalId, sectionId }: { proposalId: string; sectionId: string }) {
  const { t } = useI18n();
  const { state } = useLoad(proposalId, () => historyApi.snapshots(proposalId));
  const latest = state.status === 'ready' ? latestSnapshotFor(state.value.snapshots, sectionId) : null;

  useEffect(() => {
    if (latest) navigate(`/proposals/${enc(proposalId)}/sections/${enc(sectionId)}/changes/${enc(latest.id)}`, { replace: true });
  }, [latest, proposalId, sectionId]);

  if (state.status === 'error') return <p className="page" role="alert">{state.message}</p>;
  if (state.status === 'loading' || latest) return <p className="page">{t('common.loading')}</p>;
  return (
    <main id="main" className="page">
      <p>{t('history.none')}</p>
      <Link href={`/proposals/${enc(proposalId)}/history`}>{t('history.link')}</Link>
    </main>
  );
}
