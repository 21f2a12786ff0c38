import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { errorText } from '../../errors';
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
    // Snapshots taken or deleted by others show up with their activity entries (no domain event announces them, so the
    // entry comes with the proposal's next activity read).
    if (e.type === 'activity' && (e.event.action === 'snapshot.created' || e.event.action === 'snapshot.deleted')) reload();
  });

  if (state.status === 'loading') return <p className="page">{t('common.loading')}</p>;
  if (state.status === 'error')
    return (
      <main id="main" className="page">
        <p role="alert">{state.message}</p>
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
      {snapshots.length === 0 ? <p className="muted">{t('history.none')}</p> : <SnapshotList proposal={proposal} snapshots={snapshots} onDeleted={reload} />}
    </main>
  );
}

function SnapshotList({ proposal, snapshots, onDeleted }: { proposal: Proposal; snapshots: Snapshot[]; onDeleted: () => void }) {
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
            <span className="card__title">{snapshotLabel(s.label, t)}</span> <span className="chip">{t(kindLabels[s.kind])}</span>
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
            {proposal.abilities.manage && s.kind === 'manual' && <DeleteSnapshot snapshot={s} onDeleted={onDeleted} />}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** SEC29: the coordinator deletes a manual snapshot, after confirming (a proposal at the snapshot limits can then take new ones). */
function DeleteSnapshot({ snapshot, onDeleted }: { snapshot: Snapshot; onDeleted: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await historyApi.deleteSnapshot(snapshot.id);
      setConfirming(false);
      onDeleted();
    } catch (err) {
      setError(errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  }

  if (!confirming)
    return (
      <button type="button" className="button button--small" onClick={() => setConfirming(true)} data-testid="snapshot-delete">
        {t('history.delete')}
      </button>
    );
  return (
    <div className="banner banner--warning" role="alertdialog" aria-label={t('history.delete')} data-testid="snapshot-delete-confirm">
      <p>{t('history.deleteConfirm', { name: snapshotLabel(snapshot.label, t) })}</p>
      <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => void remove()}>
        {t('history.deleteYes')}
      </button>{' '}
      <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
        {t('common.cancel')}
      </button>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function SnapshotForm({ proposal, onCreated }: { proposal: Proposal; onCreated: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
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
      setError(errorText(err, i18n));
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
