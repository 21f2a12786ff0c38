import { useEffect, useState } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import type { ProposalSummary } from '../../../shared/schemas';
import { errorText } from '../../errors';
import { NewProposalForm } from './NewProposalForm';

export function ProposalsPage() {
  const i18n = useI18n();
  const { t, date } = i18n;
  const [proposals, setProposals] = useState<ProposalSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** The cursor of the next page (SEC26: a page at a time, newest first), or null on the last. */
  const [next, setNext] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.proposals().then(
      (r) => {
        if (!live) return;
        setProposals(r.proposals);
        setNext(r.next);
      },
      (err: unknown) => live && setLoadError(errorText(err, i18n)),
    );
    return () => {
      live = false;
    };
  }, [i18n]);

  const showMore = () => {
    if (next === null) return;
    api.proposals(next).then(
      (r) => {
        setProposals((prev) => [...(prev ?? []), ...r.proposals.filter((p) => !prev?.some((q) => q.id === p.id))]);
        setNext(r.next);
      },
      (err: unknown) => setLoadError(errorText(err, i18n)),
    );
  };

  return (
    <main id="main" className="page">
      <h1>{t('proposals.title')}</h1>
      <div className="proposals">
        <section aria-label={t('proposals.title')} className="proposals__list">
          {loadError && <p role="alert">{loadError}</p>}
          {proposals === null && !loadError && <p>{t('common.loading')}</p>}
          {proposals?.length === 0 && <p>{t('proposals.empty')}</p>}
          <ul className="card-list">
            {proposals?.map((p) => (
              <li key={p.id} className="card">
                <Link href={`/proposals/${encodeURIComponent(p.id)}`} className="card__title">
                  {p.title}
                </Link>
                <p className="muted">
                  {t('proposals.yourRole', { role: t(`role.${p.role}`) })} ·{' '}
                  {p.deadline ? t('proposals.deadline', { date: date(p.deadline) }) : t('proposals.noDeadline')}
                </p>
              </li>
            ))}
          </ul>
          {next !== null && (
            <button type="button" className="link-button" onClick={showMore} data-testid="proposals-show-more">
              {t('proposals.showMore')}
            </button>
          )}
        </section>
        <NewProposalForm />
      </div>
    </main>
  );
}
