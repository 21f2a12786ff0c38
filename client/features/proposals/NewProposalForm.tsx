import { useEffect, useId, useState } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { createProposalSchema } from '../../../shared/schemas';
import { templateTitle, themeLabel } from '../../../shared/templates';
import { errorText } from '../../errors';
import { Field } from '../forms/Field';
import { useSchemaForm } from '../forms/use-schema-form';
import { CountryPicker } from '../partners/CountryPicker';
import { partnersApi } from '../partners/partners-api';
import { interfaceLanguages, languageName, otherEuLanguages } from './languages';
import { TemplatePreview } from './TemplatePreview';

interface TemplateChoice {
  id: string;
  themes: string[];
}

/**
 * The new-proposal form (CTRY8): title, the call (template) with its theme, the deadline,
 * the working language and the lead partner (its country through the picker), with a
 * live preview of what the call creates.
 */
export function NewProposalForm() {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const [choices, setChoices] = useState<TemplateChoice[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [templateId, setTemplateId] = useState('');
  const [language, setLanguage] = useState<string>(locale);
  const ids = { template: useId(), theme: useId(), language: useId() };

  useEffect(() => {
    let live = true;
    partnersApi.templates().then(
      (r) => {
        if (!live) return;
        setChoices(r.templates.map((x) => ({ id: x.id, themes: x.themes.map((th) => th.id) })));
        setTemplateId((current) => current || (r.templates[0]?.id ?? ''));
      },
      (err: unknown) => live && setLoadError(errorText(err, i18n)),
    );
    return () => {
      live = false;
    };
  }, [i18n]);

  const { errors, formError, busy, submit } = useSchemaForm(createProposalSchema, {
    read: (data) => {
      const s = (k: string) => String(data.get(k) ?? '');
      const optional = (k: string) => (s(k) === '' ? {} : { [k]: s(k) });
      return {
        title: s('title'),
        leadPartner: { name: s('partnerName'), town: s('town'), country: s('country') },
        ...optional('templateId'),
        ...optional('theme'),
        ...optional('deadline'),
        ...optional('language'),
      };
    },
    async send(value) {
      const { proposal } = await api.createProposal(value);
      navigate(`/proposals/${encodeURIComponent(proposal.id)}`);
    },
    overrides: { 'leadPartner.country': t('country.pick') },
  });

  const chosen = choices?.find((c) => c.id === templateId);
  return (
    <section aria-labelledby="create-heading" className="card proposals__create">
      <h2 id="create-heading">{t('proposals.createTitle')}</h2>
      <form className="form" onSubmit={submit} noValidate data-testid="new-proposal">
        <Field name="title" label={t('proposals.titleLabel')} error={errors.title} required />
        <div className="field">
          <label htmlFor={ids.template}>{t('newProposal.template')}</label>
          <select id={ids.template} name="templateId" value={templateId} onChange={(e) => setTemplateId(e.target.value)} disabled={choices === null}>
            {choices?.map((c) => (
              <option key={c.id} value={c.id}>
                {templateTitle(c.id, locale)}
              </option>
            ))}
          </select>
          {loadError && (
            <small className="field__error" role="alert">
              {loadError}
            </small>
          )}
        </div>
        <div className="field">
          <label htmlFor={ids.theme}>{t('newProposal.theme')}</label>
          <select id={ids.theme} name="theme" defaultValue="" key={templateId}>
            <option value="">{t('newProposal.noTheme')}</option>
            {chosen?.themes.map((th) => (
              <option key={th} value={th}>
                {themeLabel(templateId, th, locale)}
              </option>
            ))}
          </select>
        </div>
        <Field name="deadline" type="date" label={t('newProposal.deadline')} error={errors.deadline} min="2000-01-01" max="2100-12-31" />
        <div className="field">
          <label htmlFor={ids.language}>{t('newProposal.language')}</label>
          <select id={ids.language} name="language" value={language} onChange={(e) => setLanguage(e.target.value)}>
            <optgroup label={t('newProposal.languageInterface')}>
              {interfaceLanguages.map((l) => (
                <option key={l} value={l}>
                  {languageName(l, locale)}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('newProposal.languageOther')}>
              {otherEuLanguages.map((l) => (
                <option key={l} value={l}>
                  {languageName(l, locale)}
                </option>
              ))}
            </optgroup>
          </select>
        </div>
        <fieldset>
          <legend>{t('proposals.leadPartner')}</legend>
          <Field name="partnerName" label={t('proposals.partnerName')} error={errors['leadPartner.name']} required />
          <Field name="town" label={t('proposals.town')} error={errors['leadPartner.town']} required />
          <CountryPicker name="country" label={t('country.label')} error={errors['leadPartner.country']} required />
        </fieldset>
        {formError && (
          <p className="form__error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('proposals.create')}
        </button>
        {templateId !== '' && <TemplatePreview templateId={templateId} language={language} />}
      </form>
    </section>
  );
}
