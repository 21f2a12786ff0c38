import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n';
import type { TemplateDetail } from '../../../shared/schemas/partners';
import { contentLocale, criterionLabel, findSectionTemplate, inLocale } from '../../../shared/templates';
import { errorText } from '../../errors';
import { partnersApi } from '../partners/partners-api';
import { languageName } from './languages';

/**
 * What the chosen call will create (CTRY9): its sections with number, title (in the
 * proposal's working language, as they will be stored), award criterion and character
 * budget, and the call's rules. Read from GET /api/templates/:id.
 */
export function TemplatePreview({ templateId, language }: { templateId: string; language: string }) {
  const i18n = useI18n();
  const { t, locale, number } = i18n;
  const [template, setTemplate] = useState<TemplateDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setTemplate(null);
    setError(null);
    if (templateId === '') return;
    partnersApi.template(templateId).then(
      (r) => live && setTemplate(r.template),
      (err: unknown) => live && setError(errorText(err, i18n)),
    );
    return () => {
      live = false;
    };
  }, [templateId, i18n]);

  const written = contentLocale(language);
  return (
    <section className="template-preview" aria-labelledby="template-preview-heading" aria-live="polite" data-testid="template-preview">
      <h3 id="template-preview-heading">{t('newProposal.preview')}</h3>
      {error && <p role="alert">{error}</p>}
      {!template && !error && <p className="muted">{t('newProposal.previewLoading')}</p>}
      {template && (
        <>
          <p className="muted">{t('newProposal.sectionCount', { count: template.sections.length, language: languageName(written, locale) })}</p>
          <h4>{t('newProposal.rules')}</h4>
          <ul data-testid="template-rules">
            <li>
              {t('newProposal.minPartners', { count: template.rules.minPartners })}, {t('newProposal.minCountries', { count: template.rules.minCountries })}
            </li>
            <li>{t('newProposal.pageLimit', { count: template.rules.pageLimit })}</li>
          </ul>
          <div className="table-scroll" tabIndex={0} role="region" aria-label={t('newProposal.preview')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {t('newProposal.colNumber')}
                  </th>
                  <th scope="col">{t('newProposal.colTitle')}</th>
                  <th scope="col">{t('newProposal.colCriterion')}</th>
                  <th scope="col" className="num">
                    {t('newProposal.colBudget')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {template.sections.map((s) => {
                  const spec = findSectionTemplate(template.id, s.key);
                  return (
                    <tr key={s.key}>
                      <td className="num">{s.number}</td>
                      <td>{spec ? inLocale(spec.title, written) : s.key}</td>
                      <td>{criterionLabel(template.id, s.criterion, locale)}</td>
                      <td className="num">
                        {number(s.minChars)}–{number(s.maxChars)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
