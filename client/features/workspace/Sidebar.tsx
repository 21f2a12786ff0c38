import { useI18n } from '../../i18n';
import { Link } from '../../router';
import type { Proposal } from '../../../shared/schemas';
import { Flag } from '../partners/Flag';

export interface SidebarProps {
  proposal: Proposal;
  currentId: string | null;
  /** Live scores (0–100) by section id, overriding the proposal's as people type. */
  liveScores: ReadonlyMap<string, number>;
  /** People in each section, by section id. */
  presence: ReadonlyMap<string, number>;
}

/** Sections with number, title, owner and flag, status chip, meter and presence marker. */
export function Sidebar({ proposal, currentId, liveScores, presence }: SidebarProps) {
  const { t, percent } = useI18n();
  const partners = new Map(proposal.partners.map((p) => [p.id, p]));
  return (
    <nav className="sidebar" aria-label={t('workspace.sections')}>
      <h2 className="sidebar__title">{t('workspace.sections')}</h2>
      <ol className="sidebar__list">
        {proposal.sections.map((s) => {
          const owner = partners.get(s.ownerPartnerId);
          const score = Math.round(liveScores.get(s.id) ?? s.completeness.score);
          const here = presence.get(s.id) ?? 0;
          return (
            <li key={s.id}>
              <Link
                href={`/proposals/${encodeURIComponent(proposal.id)}/sections/${encodeURIComponent(s.id)}`}
                className={s.id === currentId ? 'sidebar__item sidebar__item--current' : 'sidebar__item'}
                aria-current={s.id === currentId ? 'page' : undefined}
                data-testid={`sidebar-section-${s.key}`}
              >
                <span className="sidebar__heading">
                  <span className="sidebar__number">{s.number}</span>
                  <span className="sidebar__name">{s.title}</span>
                  {here > 0 && (
                    <span className="sidebar__presence" title={t('workspace.peopleInSection', { count: here })} data-testid="presence-count">
                      <span aria-hidden="true">●</span> {here}
                      <span className="visually-hidden">{t('workspace.peopleHere', { count: here })}</span>
                    </span>
                  )}
                </span>
                <span className="sidebar__meta">
                  {owner && (
                    <span className="sidebar__owner">
                      <Flag country={owner.country} /> {owner.name}
                    </span>
                  )}
                  <span className={`chip chip--${s.status}`}>{t(`status.${s.status}`)}</span>
                </span>
                <span
                  className="meter"
                  role="meter"
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={score}
                  aria-label={t('workspace.meter', { percent: percent(score) })}
                >
                  <span className="meter__bar" style={{ width: `${score}%` }} />
                </span>
              </Link>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
