import { useState } from 'react';
import { api, ApiError } from '../../api';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import type { Section } from '../../../shared/schemas';
import type { Snapshot } from '../../../shared/schemas/review';
import { historyApi } from './history-api';
import { snapshotLabel } from './snapshot-label';
import { TextBlocks } from './TextBlocks';
import { useLoad } from './use-load';
import './history.css';

const enc = encodeURIComponent;

/** One snapshot, read-only: every section it holds as plain text blocks, each with a restore action. */
export default function SnapshotPage({ proposalId, snapshotId }: { proposalId: string; snapshotId: string }) {
  const { t } = useI18n();
  const { state } = useLoad(`${proposalId}|${snapshotId}`, async () => {
    const [{ proposal }, { snapshots }] = await Promise.all([api.proposal(proposalId), historyApi.snapshots(proposalId)]);
    const snapshot = snapshots.find((s) => s.id === snapshotId);
    if (!snapshot) throw new ApiError(404, 'not_found', t('common.notFound'));
    return { proposal, snapshot };
  });

  if (state.status === 'loading') return <p className="page">{t('common.loading')}</p>;
  if (state.status === 'error')
    return (
      <main id="main" className="page">
        <p role="alert">{state.message}</p>
        <Link href={`/proposals/${enc(proposalId)}/history`}>{t('history.back')}</Link>
      </main>
    );
  const { proposal, snapshot } = state.value;
  const sections = proposal.sections.filter((s) => snapshot.sectionId === null || s.id === snapshot.sectionId);
  return (
    <main id="main" className="page snapshot-view" data-testid="snapshot-view">
      <p>
        <Link href={`/proposals/${enc(proposal.id)}/history`}>{t('history.back')}</Link>
      </p>
      <h1>{t('history.readOnly', { name: snapshotLabel(snapshot.label, t) })}</h1>
      {sections.map((s) => (
        <SnapshotSection key={s.id} section={s} snapshot={snapshot} />
      ))}
    </main>
  );
}

function SnapshotSection({ section, snapshot }: { section: Section; snapshot: Snapshot }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { state } = useLoad(`${snapshot.id}|${section.id}`, () => historyApi.snapshotSection(snapshot.id, section.id));
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string; backupSnapshotId?: string } | null>(null);
  const label = `${section.number} ${section.title}`;

  async function restore() {
    setConfirming(false);
    try {
      const { backupSnapshotId } = await historyApi.restore(section.id, snapshot.id);
      setResult({ ok: true, message: t('history.restored'), backupSnapshotId });
    } catch (err) {
      setResult({ ok: false, message: errorText(err, i18n) });
    }
  }

  return (
    <section className="card snapshot-section" data-testid="snapshot-section" data-section={section.id}>
      <header className="snapshot-section__header">
        <h2>{label}</h2>
        {section.abilities.restore && state.status === 'ready' && !confirming && (
          <button type="button" className="button button--small" onClick={() => setConfirming(true)}>
            {t('history.restore')}
          </button>
        )}
      </header>
      {confirming && (
        <div className="banner banner--warning" role="alertdialog" aria-label={t('history.restore')} data-testid="restore-confirm">
          <p>{t('history.restoreConfirm', { section: label })}</p>
          <button type="button" className="button button--primary button--small" onClick={() => void restore()}>
            {t('history.restoreYes')}
          </button>{' '}
          <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {result && (
        <p className={`banner ${result.ok ? '' : 'banner--error'}`} role="status" data-testid="restore-result">
          {result.message}
          {result.backupSnapshotId && (
            <>
              {' '}
              {t('restore.kept')}{' '}
              <Link href={`/proposals/${enc(section.proposalId)}/history/${enc(result.backupSnapshotId)}`} data-testid="restore-backup-link">
                {t('restore.snapshotName', { name: snapshotLabel(snapshot.label, t) })}
              </Link>
            </>
          )}
        </p>
      )}
      {state.status === 'loading' && <p>{t('common.loading')}</p>}
      {state.status === 'error' && <p role="alert">{state.message}</p>}
      {state.status === 'ready' && <TextBlocks blocks={state.value.blocks} empty={t('history.emptySection')} />}
    </section>
  );
}
