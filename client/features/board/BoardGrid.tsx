import { useMemo } from 'react';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { localeTags } from '../../../shared/i18n';
import type { Section } from '../../../shared/schemas';
import type { BoardCell, BoardResponse } from '../../../shared/schemas/review';
import { Flag } from '../partners/Flag';

type Column = BoardResponse['sections'][number] & { section: Section };

/** Day and month in the reader's language ("27 nov"), for compact cells; the full date is the tooltip. */
function useShortDate(): (d: string) => string {
  const { locale } = useI18n();
  return useMemo(() => {
    const fmt = new Intl.DateTimeFormat(localeTags[locale], { day: 'numeric', month: 'short', timeZone: 'UTC' });
    return (d: string) => fmt.format(new Date(`${d}T00:00:00Z`));
  }, [locale]);
}

function Cell({ cell, href }: { cell: BoardCell; href: string }) {
  const { t, percent, date } = useI18n();
  const short = useShortDate();
  return (
    <td className={`board__cell${cell.overdue ? ' board__cell--overdue' : ''}`} data-testid="board-cell" data-section-id={cell.sectionId} data-status={cell.status} data-overdue={cell.overdue}>
      <Link href={href} className="board__cell-link">
        <span className={`chip chip--${cell.status}`}>{t(`status.${cell.status}`)}</span>
      </Link>
      <span className="board__line">
        <span className="board__score" data-testid="board-score">
          {percent(cell.score)}
        </span>
        {cell.openThreads > 0 && <span className="board__threads"> · {t('boardGrid.threads', { count: cell.openThreads })}</span>}
      </span>
      {cell.dueDate && (
        <span className={`board__line${cell.overdue ? ' board__overdue' : ''}`} title={date(cell.dueDate)} data-testid="board-due">
          {t(cell.overdue ? 'boardGrid.overdue' : 'boardGrid.due', { date: short(cell.dueDate) })}
        </span>
      )}
    </td>
  );
}

function Verdicts({ v }: { v: BoardResponse['sections'][number]['verdicts'] }) {
  const { t } = useI18n();
  const parts = [
    { n: v.ready, mark: '✓', cls: 'ready', text: t('boardGrid.verdictReady', { count: v.ready }) },
    { n: v.needsChanges, mark: '✗', cls: 'changes', text: t('boardGrid.verdictChanges', { count: v.needsChanges }) },
    { n: v.stale, mark: '↻', cls: 'stale', text: t('boardGrid.verdictStale', { count: v.stale }) },
  ].filter((p) => p.n > 0);
  return (
    <>
      {parts.map((p) => (
        <span key={p.cls} className={`board__verdict board__verdict--${p.cls}`} title={p.text}>
          <span aria-hidden="true">
            {p.mark}
            {p.n}
          </span>
          <span className="visually-hidden">{p.text}</span>
        </span>
      ))}
    </>
  );
}

/**
 * The board as a grid (BRD4): partners with their country down the side,
 * sections across (the number shows, the title is the tooltip and the name),
 * one cell per assignment and empty cells elsewhere, then the reviewers'
 * verdicts per section. It scrolls sideways in a focusable, labelled region;
 * nothing in a header or a cell wraps on screen.
 */
export function BoardGrid({ board, sections, onlyPartnerId, sectionHref }: { board: BoardResponse; sections: ReadonlyMap<string, Section>; onlyPartnerId: string | null; sectionHref(id: string): string }) {
  const { t } = useI18n();
  const columns: Column[] = board.sections.flatMap((c) => {
    const section = sections.get(c.sectionId);
    return section && (!onlyPartnerId || c.ownerPartnerId === onlyPartnerId) ? [{ ...c, section }] : [];
  });
  const rows = board.rows.filter((r) => !onlyPartnerId || r.partnerId === onlyPartnerId);
  if (columns.length === 0) return <p data-testid="board-grid-empty">{t('boardGrid.empty')}</p>;
  return (
    <div className="board__scroll" role="region" tabIndex={0} aria-label={t('boardGrid.region')} data-testid="board-grid-scroll">
      <table className="board__grid" data-testid="board-grid">
        <thead>
          <tr>
            <th scope="col" className="board__corner">
              {t('boardGrid.partner')}
            </th>
            {columns.map((c) => (
              <th key={c.sectionId} scope="col" className="board__col" data-testid="board-col" data-section-id={c.sectionId} title={`${c.section.number} ${c.section.title}`}>
                <Link href={sectionHref(c.sectionId)} aria-label={`${c.section.number} ${c.section.title}`}>
                  {c.section.number}
                </Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const cells = new Map(row.cells.map((c) => [c.sectionId, c]));
            return (
              <tr key={row.partnerId} data-testid="board-row" data-partner-id={row.partnerId}>
                <th scope="row" className="board__partner">
                  <Flag country={row.country} /> <span className="board__partner-name">{row.name}</span>
                </th>
                {columns.map((c) => {
                  const cell = cells.get(c.sectionId);
                  return cell ? <Cell key={c.sectionId} cell={cell} href={sectionHref(c.sectionId)} /> : <td key={c.sectionId} className="board__cell board__cell--none" data-testid="board-empty-cell" />;
                })}
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr data-testid="board-verdicts">
            <th scope="row" className="board__partner">
              {t('boardGrid.verdicts')}
            </th>
            {columns.map((c) => (
              <td key={c.sectionId} className="board__cell" data-section-id={c.sectionId} data-ready={c.verdicts.ready} data-needs-changes={c.verdicts.needsChanges}>
                <Verdicts v={c.verdicts} />
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
