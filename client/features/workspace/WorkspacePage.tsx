import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { PresenceWatch } from '../../collab/presence';
import { collabUrl } from '../../collab/registry';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import { openThreadsOf } from '../../../shared/completeness';
import type { Proposal, Section } from '../../../shared/schemas';
import { useUser } from '../auth/session';
import { ApiError } from '../../api';
import { Sidebar } from './Sidebar';
import { SectionPane } from './SectionPane';
import { useProposal } from './use-proposal';
import { ProposalMeter } from '../completeness/ProposalMeter';
import { liveCompleteness } from '../completeness/SectionMeter';
import { MentionNotice } from '../comments/MentionNotice';
import { ExportMenu } from '../export/ExportMenu';
import { MeetingBar } from '../meetings/MeetingBar';
import { useStreamEvents, useStreamPresence } from '../events/use-proposal-stream';

const noCounts: ReadonlyMap<string, number> = new Map();
const WATCH_DELAY_MS = 400;

/** Who is in which section, for the sidebar markers. */
function usePresenceCounts(sectionIds: readonly string[]): ReadonlyMap<string, number> {
  const key = sectionIds.join(',');
  const [watch, setWatch] = useState<PresenceWatch | null>(null);
  useEffect(() => {
    if (!key) return;
    // After the open section's own socket: browsers open sockets to one host one at a time.
    let w: PresenceWatch | null = null;
    const timer = setTimeout(() => {
      w = new PresenceWatch(collabUrl(), key.split(','));
      setWatch(w);
    }, WATCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      w?.destroy();
      setWatch(null);
    };
  }, [key]);
  const subscribe = useCallback((l: () => void) => (watch ? watch.subscribe(l) : () => undefined), [watch]);
  return useSyncExternalStore(subscribe, () => (watch ? watch.getCounts() : noCounts));
}

export default function WorkspacePage({ proposalId, sectionId }: { proposalId: string; sectionId: string | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const user = useUser();
  const { state, reload, replace } = useProposal(proposalId);
  const [chars, setChars] = useState<ReadonlyMap<string, number>>(new Map());
  const proposal = state.status === 'ready' ? state.proposal : null;
  // The stream's presence events replace the per-section watcher sockets once the server sends one.
  const streamPresence = useStreamPresence(proposalId);
  const watched = usePresenceCounts(streamPresence ? [] : (proposal?.sections.map((s) => s.id) ?? []));
  const presence = useMemo<ReadonlyMap<string, number>>(
    () => (streamPresence ? new Map([...streamPresence].map(([id, users]) => [id, users.length])) : watched),
    [streamPresence, watched],
  );
  // Scores of sections others are typing in, from the stream (debounced by the server).
  const [streamScores, setStreamScores] = useState<ReadonlyMap<string, number>>(new Map());
  useStreamEvents(proposalId, (event) => {
    if (event.type === 'completeness') setStreamScores((prev) => new Map(prev).set(event.sectionId, event.score));
  });

  const onChars = useCallback((id: string, n: number) => {
    setChars((prev) => (prev.get(id) === n ? prev : new Map(prev).set(id, n)));
  }, []);

  const onSectionChanged = useCallback(
    (section: Section) => {
      if (!proposal) return;
      replace({ ...proposal, sections: proposal.sections.map((s) => (s.id === section.id ? section : s)) });
    },
    [proposal, replace],
  );

  const liveScores = useMemo(() => {
    const scores = new Map<string, number>(streamScores);
    if (!proposal) return scores;
    for (const s of proposal.sections) {
      const n = chars.get(s.id);
      if (n === undefined) continue;
      scores.set(s.id, liveCompleteness(s, n, openThreadsOf(s.completeness)).score);
    }
    return scores;
  }, [proposal, chars, streamScores]);

  if (state.status === 'loading') return <p className="page">{t('common.loading')}</p>;
  if (state.status === 'error') {
    const notFound = state.error instanceof ApiError && state.error.status === 404;
    return (
      <main id="main" className="page">
        <h1>{notFound ? t('common.notFound') : errorText(state.error, i18n)}</h1>
        <Link href="/proposals">{t('common.goHome')}</Link>
      </main>
    );
  }
  const p: Proposal = state.proposal;
  const section = sectionId ? p.sections.find((s) => s.id === sectionId) : undefined;

  return (
    <div className="workspace">
      <aside className="workspace__side" aria-label={t('workspace.proposalTools')}>
        <p className="workspace__proposal">
          <strong>{p.title}</strong>
        </p>
        <Link href={`/proposals/${encodeURIComponent(p.id)}/partners`} className="button button--small">
          {t('workspace.partnersLink')}
        </Link>
        <Link href={`/proposals/${encodeURIComponent(p.id)}/board`} className="button button--small" data-testid="board-link">
          {t('workspace.boardLink')}
        </Link>
        <Link href={`/proposals/${encodeURIComponent(p.id)}/history`} className="button button--small" data-testid="history-link">
          {t('history.link')}
        </Link>
        {section && (
          <Link href={`/proposals/${encodeURIComponent(p.id)}/sections/${encodeURIComponent(section.id)}/changes`} className="button button--small" data-testid="section-changes-link">
            {t('changes.sectionLink')}
          </Link>
        )}
        <ProposalMeter proposal={p} liveScores={liveScores} />
        <Sidebar proposal={p} currentId={section?.id ?? null} liveScores={liveScores} presence={presence} />
      </aside>
      <main id="main" className="workspace__main">
        <MeetingBar proposal={p} sectionId={section?.id ?? null} user={user} />
        <MentionNotice proposal={p} />
        {section ? (
          <SectionPane proposal={p} section={section} user={user} onChars={onChars} onSectionChanged={onSectionChanged} onRightsChanged={reload} />
        ) : (
          <div className="workspace__empty">
            <h1>{p.title}</h1>
            <p>{sectionId ? t('workspace.sectionNotFound') : t('workspace.chooseSection')}</p>
            {p.sections[0] && (
              <button type="button" className="button" onClick={() => navigate(`/proposals/${encodeURIComponent(p.id)}/sections/${encodeURIComponent(p.sections[0]?.id ?? '')}`)}>
                {p.sections[0].number} {p.sections[0].title}
              </button>
            )}
            {p.abilities.export && <ExportMenu proposalId={p.id} />}
          </div>
        )}
      </main>
    </div>
  );
}
