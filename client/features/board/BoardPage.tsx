import { useEffect, useRef, useState } from 'react';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import type { Proposal, Section } from '../../../shared/schemas';
import type { BoardResponse } from '../../../shared/schemas/review';
import { useUser } from '../auth/session';
import { ProposalMeter } from '../completeness/ProposalMeter';
import { useStreamEvents } from '../events/use-proposal-stream';
import { ActivityFeed } from '../review/ActivityFeed';
import { reviewApi } from '../review/review-api';
import { useProposal } from '../workspace/use-proposal';
import { BoardGrid } from './BoardGrid';
import { blockerText } from './blocker-text';
import './board.css';

const REFRESH_DEBOUNCE_MS = 300;
const noScores: ReadonlyMap<string, number> = new Map();

/** The board, refetched (debounced) whenever the proposal's stream reports a change. */
function useBoard(proposalId: string): { board: BoardResponse | null; error: string | null } {
  const i18n = useI18n();
  const [board, setBoard] = useState<BoardResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    let live = true;
    reviewApi.board(proposalId).then(
      (b) => {
        if (!live) return;
        setBoard(b);
        setError(null);
      },
      (err: unknown) => live && setError(errorText(err, i18n)),
    );
    return () => {
      live = false;
    };
  }, [proposalId, tick]);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  useStreamEvents(proposalId, (event) => {
    if (event.type === 'presence' || event.type === 'mention') return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setTick((n) => n + 1), REFRESH_DEBOUNCE_MS);
  });
  return { board, error };
}

/** The submission gate beside the grid: every blocker in the reader's language, with the section it is about (BRD2). */
function Blockers({ board, sections, sectionHref }: { board: BoardResponse; sections: ReadonlyMap<string, Section>; sectionHref(id: string): string }) {
  const { t } = useI18n();
  return (
    <section
      className={`board__gate ${board.readyToSubmit ? 'board__gate--ready' : 'board__gate--blocked'}`}
      aria-labelledby="board-gate-heading"
      data-testid="submit-gate"
      data-ready={board.readyToSubmit}
    >
      <h2 id="board-gate-heading">{board.readyToSubmit ? t('board.ready') : t('blocker.count', { count: board.blockers.length })}</h2>
      {board.blockers.length > 0 && (
        <ul>
          {board.blockers.map((b, i) => {
            const s = b.sectionId ? sections.get(b.sectionId) : undefined;
            return (
              <li key={i} data-kind={b.kind} data-section-id={b.sectionId ?? undefined} data-testid="blocker">
                {s && (
                  <>
                    <Link href={sectionHref(s.id)}>
                      {s.number} {s.title}
                    </Link>
                    {': '}
                  </>
                )}
                {blockerText(t, b)}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The coordinator's board: the partners × sections grid with the submission gate beside it, the proposal's meter and its activity. */
export default function BoardPage({ proposalId }: { proposalId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const user = useUser();
  const { state } = useProposal(proposalId);
  const { board, error } = useBoard(proposalId);
  const proposal = state.status === 'ready' ? state.proposal : null;
  const me = proposal?.members.find((m) => m.userId === user.id);
  const [mineOnly, setMineOnly] = useState<boolean | null>(null);
  const onlyMine = mineOnly ?? me?.role === 'editor';

  if (state.status === 'error') return <p className="page">{errorText(state.error, i18n)}</p>;
  if (!proposal || (!board && !error)) return <p className="page">{t('common.loading')}</p>;
  if (!board) return <p className="page field__error">{error ?? t('error.generic')}</p>;

  const sections = new Map(proposal.sections.map((s) => [s.id, s]));
  const sectionHref = (id: string) => `/proposals/${encodeURIComponent(proposal.id)}/sections/${encodeURIComponent(id)}`;

  return (
    <main id="main" className="page board" data-testid="board">
      <p className="board__back">
        <Link href={`/proposals/${encodeURIComponent(proposal.id)}`}>{t('board.backToWorkspace')}</Link>
      </p>
      <h1>{t('board.title', { title: proposal.title })}</h1>

      <label className="board__filter">
        <input type="checkbox" checked={onlyMine} onChange={(e) => setMineOnly(e.target.checked)} data-testid="my-sections" /> {t('board.mySections')}
      </label>

      <div className="board__layout" data-testid="board-layout">
        <section className="board__grid-area" aria-labelledby="board-grid-heading">
          <h2 id="board-grid-heading">{t('boardGrid.heading')}</h2>
          <BoardGrid board={board} sections={sections} onlyPartnerId={onlyMine ? (me?.partnerId ?? null) : null} sectionHref={sectionHref} />
        </section>
        <Blockers board={board} sections={sections} sectionHref={sectionHref} />
      </div>

      <div className="board__bottom">
        <ProposalMeter proposal={proposal as Proposal} liveScores={noScores} />
        <ActivityFeed proposal={proposal} />
      </div>
    </main>
  );
}
