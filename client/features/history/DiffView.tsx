import { useMemo } from 'react';
import { useI18n } from '../../i18n';
import type { DiffRun, PartnerContribution } from '../../../shared/schemas/history';
import { Flag } from '../partners/Flag';
import { activeContributions, colourFor, mergeRuns, runTitle } from './diff-runs';

/**
 * Word-level diff runs as <ins>/<del> with the author (name, partner, country)
 * in the title and a colour per partner. Only text nodes: never HTML.
 */
export function DiffRuns({ runs, colours }: { runs: readonly DiffRun[]; colours: ReadonlyMap<string, string> }) {
  const { t } = useI18n();
  const merged = useMemo(() => mergeRuns(runs), [runs]);
  const words = { inserted: (who: string) => t('changes.inserted', { who }), deleted: (who: string) => t('changes.deleted', { who }) };
  return (
    <div className="diff" data-testid="diff">
      {merged.map((run, i) => {
        if (run.op === 'same') return <span key={i}>{run.text}</span>;
        const colour = colourFor(colours, run.author.partnerId);
        const props = {
          title: runTitle(run, words),
          style: { color: colour, backgroundColor: `${colour}1a`, textDecorationColor: colour },
          'data-author': run.author.name,
          'data-partner': run.author.partnerId ?? '',
        };
        return run.op === 'insert' ? (
          <ins key={i} className="diff__ins" {...props}>
            {run.text}
          </ins>
        ) : (
          <del key={i} className="diff__del" {...props}>
            {run.text}
          </del>
        );
      })}
    </div>
  );
}

/** Per partner (with country badge and colour): characters added and removed, and by whom. */
export function PartnerSummary({ contributions, colours }: { contributions: readonly PartnerContribution[]; colours: ReadonlyMap<string, string> }) {
  const { t, number } = useI18n();
  const active = activeContributions(contributions);
  if (active.length === 0) return <p className="muted">{t('changes.none')}</p>;
  return (
    <ul className="partner-summary" data-testid="partner-summary">
      {active.map((c) => (
        <li key={c.partnerId ?? 'none'} className="partner-summary__item" data-partner={c.partnerId ?? ''} style={{ borderLeftColor: colourFor(colours, c.partnerId) }}>
          <strong>
            {c.country && <Flag country={c.country} />} {c.partnerName ?? t('changes.noPartner')}
          </strong>{' '}
          <span className="diff__count diff__count--ins">{t('changes.insertedChars', { count: c.insertedChars })}</span>
          {' · '}
          <span className="diff__count diff__count--del">{t('changes.deletedChars', { count: c.deletedChars })}</span>
          {c.people.length > 0 && (
            <ul className="partner-summary__people">
              {c.people.map((p) => (
                <li key={p.userId ?? p.name}>
                  {p.name}: +{number(p.insertedChars)} / −{number(p.deletedChars)}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
