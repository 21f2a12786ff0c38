import { useEffect, useState } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import { createProposalSchema, type ProposalSummary } from '../../../shared/schemas';
import { errorText } from '../../errors';
import { Field } from '../forms/Field';
import { useSchemaForm } from '../forms/use-schema-form';

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
        <CreateProposalForm />
      </div>
    </main>
  );
}

function CreateProposalForm() {
  const { t } = useI18n();
  const { errors, formError, busy, submit } = useSchemaForm(createProposalSchema, {
    read: (data) => {
      const s = (k: string) => String(data.get(k) ?? '');
      return { title: s('title'), leadPartner: { name: s('partnerName'), town: s('town'), country: s('country') } };
    },
    async send(value) {
      const { proposal } = await api.createProposal(value);
      navigate(`/proposals/${encodeURIComponent(proposal.id)}`);
    },
    overrides: { 'leadPartner.country': t('field.invalidCountry') },
  });

  return (
    <section aria-labelledby="create-heading" className="card proposals__create">
      <h2 id="create-heading">{t('proposals.createTitle')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <Field name="title" label={t('proposals.titleLabel')} error={errors.title} required />
        <fieldset>
          <legend>{t('proposals.leadPartner')}</legend>
          <Field name="partnerName" label={t('proposals.partnerName')} error={errors['leadPartner.name']} required />
          <Field name="town" label={t('proposals.town')} error={errors['leadPartner.town']} required />
          <Field name="country" label={t('proposals.country')} error={errors['leadPartner.country']} maxLength={2} required />
        </fieldset>
        {formError && (
          <p className="form__error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('proposals.create')}
        </button>
      </form>
    </section>
  );
}
