import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import type { MessageKey } from '../../../shared/i18n';
import type { Proposal } from '../../../shared/schemas';
import type { Snapshot } from '../../../shared/schemas/review';
import { useStreamEvents } from '../events/use-proposal-stream';
import { Field } from '../forms/Field';
import { historyApi } from './history-api';
import { snapshotLabel } from './snapshot-label';
import { useLoad } from './use-load';
import './history.css';

const kindLabels: Record<Snapshot['kind'], MessageKey> = {
  manual: 'history.kind.manual',
  approval: 'history.kind.approval',
  submission: 'history.kind.submission',
  meeting: 'history.kind.meeting',
  before_restore: 'restore.kind',
};

const enc = encodeURIComponent;

/** The proposal's snapshots: name one (coordinators), open any read-only, or see what changed since. */
export default function HistoryPage({ proposalId }: { proposalId: string }) {
  const { t } = useI18n();
  const { state, reload } = useLoad(proposalId, async () => {
    const [{ proposal }, { snapshots }] = await Promise.all([api.proposal(proposalId), historyApi.snapshots(proposalId)]);
    return { proposal, snapshots };
  });
  useStreamEvents(proposalId, (e) => {
    if (e.type === 'meeting' || e.type === 'restored') reload();
  });

  if (state.status === 'loading') return <p className="page">{t('common.loading')}</p>;
  if (state.status === 'error')
    return (
      <main id="main" className="page">
        <p role="alert">{t('common.error', { message: state.message })}</p>
      </main>
    );
  const { proposal, snapshots } = state.value;
  return (
    <main id="main" className="page history" data-testid="history-page">
      <p>
        <Link href={`/proposals/${enc(proposal.id)}`}>{t('board.backToWorkspace')}</Link>
      </p>
      <h1>{t('history.title', { title: proposal.title })}</h1>
      {proposal.abilities.manage && <SnapshotForm proposal={proposal} onCreated={reload} />}
      <h2>{t('history.snapshots')}</h2>
      {snapshots.length === 0 ? <p className="muted">{t('history.none')}</p> : <SnapshotList proposal={proposal} snapshots={snapshots} />}
    </main>
  );
}

function SnapshotList({ proposal, snapshots }: { proposal: Proposal; snapshots: Snapshot[] }) {
  const { t, date } = useI18n();
  const sectionName = (id: string) => {
    const s = proposal.sections.find((x) => x.id === id);
    return s ? `${s.number} ${s.title}` : id;
  };
  return (
    <ul className="card-list">
      {snapshots.map((s) => (
        <li key={s.id} className="card snapshot" data-testid="snapshot" data-snapshot={s.id}>
          <div>
            <span className="card__title">{snapshotLabel(s, t)}</span> <span className="chip">{t(kindLabels[s.kind])}</span>
            {s.sectionId && <span className="muted"> · {sectionName(s.sectionId)}</span>}
            <p className="muted snapshot__meta">{t('history.takenBy', { name: s.createdBy?.name ?? t('activity.someone'), date: date(s.createdAt) })}</p>
          </div>
          <div className="snapshot__actions">
            <Link className="button button--small" href={`/proposals/${enc(proposal.id)}/history/${enc(s.id)}`}>
              {t('history.open')}
            </Link>
            <Link
              className="button button--small"
              href={s.sectionId ? `/proposals/${enc(proposal.id)}/sections/${enc(s.sectionId)}/changes/${enc(s.id)}` : `/proposals/${enc(proposal.id)}/changes/${enc(s.id)}`}
            >
              {t('history.changesSince')}
            </Link>
          </div>
        </li>
      ))}
    </ul>
  );
}

function SnapshotForm({ proposal, onCreated }: { proposal: Proposal; onCreated: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setError(t('field.required'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await historyApi.createSnapshot(proposal.id, name.trim());
      setName('');
      onCreated();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form form--inline card" onSubmit={(e) => void submit(e)} data-testid="snapshot-form">
      <Field label={t('history.nameLabel')} placeholder={t('history.namePlaceholder')} value={name} error={error} onChange={(e) => setName(e.target.value)} maxLength={200} />
      <button type="submit" className="button button--primary" disabled={busy}>
        {t('history.create')}
      </button>
    </form>
  );
}
