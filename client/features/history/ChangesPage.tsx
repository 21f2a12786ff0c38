import { useMemo } from 'react';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import type { Proposal } from '../../../shared/schemas';
import type { ProposalChanges, SectionDiff } from '../../../shared/schemas/history';
import type { Snapshot } from '../../../shared/schemas/review';
import { DiffRuns, PartnerSummary } from './DiffView';
import { partnerColours } from './diff-runs';
import { historyApi } from './history-api';
import { snapshotLabel } from './snapshot-label';
import { api } from '../../api';
import { useLoad } from './use-load';
import './history.css';

export interface ChangesPageProps {
  proposalId: string;
  since: string;
  until: string | null;
  /** Only this section's changes. */
  sectionId: string | null;
}

interface Loaded {
  proposal: Proposal;
  snapshots: Snapshot[];
  changes: ProposalChanges;
  /** The meeting these snapshots began and ended, when they did. */
  meetingName: string | null;
}

async function meetingNameFor(proposalId: string, since: string, until: string | null): Promise<string | null> {
  if (!until) return null;
  const { meetings } = await historyApi.meetings(proposalId).catch(() => ({ meetings: [] }));
  return meetings.find((m) => m.startSnapshotId === since && m.endSnapshotId === until)?.name ?? null;
}

async function loadChanges({ proposalId, since, until, sectionId }: ChangesPageProps): Promise<Loaded> {
  const [{ proposal }, { snapshots }, meetingName] = await Promise.all([
    api.proposal(proposalId),
    historyApi.snapshots(proposalId),
    meetingNameFor(proposalId, since, until),
  ]);
  if (sectionId) {
    const one = await historyApi.sectionChanges(sectionId, since, until);
    return { proposal, snapshots, meetingName, changes: { since: one.since, until: one.until, sections: [one.section], byPartner: one.section.byPartner } };
  }
  return { proposal, snapshots, meetingName, changes: await historyApi.proposalChanges(proposalId, since, until) };
}

const enc = encodeURIComponent;

/** What changed since a snapshot (optionally until another): per partner, then per section, word by word. */
export default function ChangesPage(props: ChangesPageProps) {
  const { proposalId, since, until, sectionId } = props;
  const { t } = useI18n();
  const { state } = useLoad(`${proposalId}|${since}|${until ?? ''}|${sectionId ?? ''}`, () => loadChanges(props));

  if (state.status === 'loading') return <p className="page">{t('common.loading')}</p>;
  if (state.status === 'error')
    return (
      <main id="main" className="page">
        <p role="alert">{state.message}</p>
        <Link href={`/proposals/${enc(proposalId)}/history`}>{t('history.back')}</Link>
      </main>
    );
  return <ChangesView {...state.value} sectionId={sectionId} />;
}

function ChangesView({ proposal, snapshots, changes, meetingName, sectionId }: Loaded & { sectionId: string | null }) {
  const { t } = useI18n();
  const colours = useMemo(() => partnerColours(proposal.partners.map((p) => p.id)), [proposal.partners]);
  const nameOf = (id: string | null) => {
    const s = snapshots.find((x) => x.id === id);
    return s ? snapshotLabel(s.label, t) : (id ?? '');
  };
  const heading = meetingName
    ? t('meeting.changes', { name: meetingName })
    : changes.until
      ? t('changes.between', { from: nameOf(changes.since), to: nameOf(changes.until) })
      : t('changes.title', { name: nameOf(changes.since) });
  const changed = changes.sections.filter((s) => s.changed);
  const unchanged = changes.sections.length - changed.length;
  const base = sectionId ? `/proposals/${enc(proposal.id)}/sections/${enc(sectionId)}/changes/` : `/proposals/${enc(proposal.id)}/changes/`;
  const wholeProposal = snapshots.filter((s) => s.sectionId === null || s.sectionId === sectionId);

  return (
    <main id="main" className="page changes" data-testid="changes-page">
      <p>
        <Link href={`/proposals/${enc(proposal.id)}/history`}>{t('history.back')}</Link>
      </p>
      <h1>{heading}</h1>
      <label className="changes__since">
        {t('changes.since')}{' '}
        <select value={changes.since} onChange={(e) => navigate(base + enc(e.target.value))}>
          {wholeProposal.map((s) => (
            <option key={s.id} value={s.id}>
              {snapshotLabel(s.label, t)}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">{t('changes.legend')}</p>
      <section aria-labelledby="by-partner" className="card">
        <h2 id="by-partner">{t('changes.byPartner')}</h2>
        <PartnerSummary contributions={changes.byPartner} colours={colours} />
      </section>
      {changed.length === 0 && <p data-testid="no-changes">{t('changes.none')}</p>}
      {changed.map((s) => (
        <SectionChanges
          key={s.sectionId}
          diff={s}
          colours={colours}
          onlyHref={sectionId || changes.until ? null : `/proposals/${enc(proposal.id)}/sections/${enc(s.sectionId)}/changes/${enc(changes.since)}`}
        />
      ))}
      {unchanged > 0 && !sectionId && <p className="muted">{t('changes.unchanged', { count: unchanged })}</p>}
    </main>
  );
}

function SectionChanges({ diff, colours, onlyHref }: { diff: SectionDiff; colours: ReadonlyMap<string, string>; onlyHref: string | null }) {
  const { t } = useI18n();
  return (
    <section className="card changes__section" data-testid="section-changes" data-section={diff.sectionId}>
      <h2>
        {diff.number} {diff.title}
      </h2>
      {onlyHref && (
        <Link href={onlyHref} className="changes__only">
          {t('changes.onlySection')}
        </Link>
      )}
      <PartnerSummary contributions={diff.byPartner} colours={colours} />
      <DiffRuns runs={diff.runs} colours={colours} />
    </section>
  );
}
