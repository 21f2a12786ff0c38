import { useEffect, useRef, useState } from 'react';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import type { Proposal, Section } from '../../../shared/schemas';
import type { BoardResponse } from '../../../shared/schemas/review';
import { useUser } from '../auth/session';
import { ProposalMeter } from '../completeness/ProposalMeter';
import { useStreamEvents } from '../events/use-proposal-stream';
import { Flag } from '../partners/Flag';
import { ActivityFeed } from '../review/ActivityFeed';
import { reviewApi } from '../review/review-api';
import { useProposal } from '../workspace/use-proposal';
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

/** The coordinator's board: sections by status, the partner × section matrix, and the submission gate. */
export default function BoardPage({ proposalId }: { proposalId: string }) {
  const i18n = useI18n();
  const { t, date } = i18n;
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
  const visible = (s: Section | undefined): s is Section => !!s && (!onlyMine || s.ownerPartnerId === me?.partnerId);
  const cellOf = new Map(board.matrix.flatMap((row) => row.cells.map((c) => [c.sectionId, c] as const)));
  const sectionHref = (id: string) => `/proposals/${encodeURIComponent(proposal.id)}/sections/${encodeURIComponent(id)}`;

  return (
    <main id="main" className="page board" data-testid="board">
      <p>
        <Link href={`/proposals/${encodeURIComponent(proposal.id)}`}>{t('board.backToWorkspace')}</Link>
      </p>
      <h1>{t('board.title', { title: proposal.title })}</h1>

      <section className={`board__gate ${board.readyToSubmit ? 'board__gate--ready' : 'board__gate--blocked'}`} data-testid="submit-gate" data-ready={board.readyToSubmit}>
        <h2>{board.readyToSubmit ? t('board.ready') : t('board.notReady', { count: board.blockers.length })}</h2>
        {board.blockers.length > 0 && (
          <ul>
            {board.blockers.map((b, i) => {
              const s = b.sectionId ? sections.get(b.sectionId) : undefined;
              return (
                <li key={i} data-kind={b.kind}>
                  {s && (
                    <>
                      <Link href={sectionHref(s.id)}>
                        {s.number} {s.title}
                      </Link>
                      {': '}
                    </>
                  )}
                  {b.message}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <label className="board__filter">
        <input type="checkbox" checked={onlyMine} onChange={(e) => setMineOnly(e.target.checked)} data-testid="my-sections" /> {t('board.mySections')}
      </label>

      <div className="board__columns">
        {board.columns.map((col) => {
          const items = col.sectionIds.map((id) => sections.get(id)).filter(visible);
          return (
            <section key={col.status} className="board__column" data-testid={`board-column-${col.status}`} aria-label={t(`status.${col.status}`)}>
              <h2>
                <span className={`chip chip--${col.status}`}>{t(`status.${col.status}`)}</span> <span className="muted">{items.length}</span>
              </h2>
              <ul>
                {items.map((s) => {
                  const cell = cellOf.get(s.id);
                  return (
                    <li key={s.id} className={`board__card${cell?.overdue ? ' board__card--overdue' : ''}`} data-testid="board-card" data-section-key={s.key}>
                      <Link href={sectionHref(s.id)}>
                        {s.number} {s.title}
                      </Link>
                      <span className="muted">
                        {cell?.overdue && <strong className="board__overdue">{t('board.overdue')} </strong>}
                        {cell && cell.openThreads > 0 && t('board.threads', { count: cell.openThreads })}
                      </span>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
      </div>

      <h2>{t('board.matrix')}</h2>
      <div className="board__matrix-wrap">
        <table className="board__matrix" data-testid="board-matrix">
          <thead>
            <tr>
              <th scope="col">{t('board.partner')}</th>
              <th scope="col">{t('board.sections')}</th>
            </tr>
          </thead>
          <tbody>
            {board.matrix
              .filter((row) => !onlyMine || row.partnerId === me?.partnerId)
              .map((row) => (
                <tr key={row.partnerId} data-partner-id={row.partnerId}>
                  <th scope="row">
                    <Flag country={row.country} /> {row.name} <span className="muted">({row.country})</span>
                  </th>
                  <td>
                    <ul className="board__cells">
                      {row.cells.map((c) => {
                        const s = sections.get(c.sectionId);
                        if (!s) return null;
                        return (
                          <li key={c.sectionId} className={`board__cell${c.overdue ? ' board__cell--overdue' : ''}`} data-testid="board-cell">
                            <Link href={sectionHref(s.id)}>{s.number}</Link> <span className={`chip chip--${c.status}`}>{t(`status.${c.status}`)}</span>{' '}
                            <span className="muted">{c.score}%</span>
                            {c.overdue && s.dueDate && <span className="board__overdue"> {t('board.overdueSince', { date: date(s.dueDate) })}</span>}
                            {c.openThreads > 0 && <span> · {t('board.threads', { count: c.openThreads })}</span>}
                            {c.lastActivityAt && <span className="muted"> · {t('board.lastActivity', { date: date(c.lastActivityAt) })}</span>}
                          </li>
                        );
                      })}
                    </ul>
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>

      <div className="board__bottom">
        <ProposalMeter proposal={proposal as Proposal} liveScores={noScores} />
        <ActivityFeed proposal={proposal} />
      </div>
    </main>
  );
}
