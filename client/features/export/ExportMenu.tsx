import { useEffect, useState } from 'react';
import { call } from '../../api';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { preflightResponseSchema, type ExportFormat, type FillState, type PreflightResponse } from '../../../shared/schemas';
import type { MessageKey } from '../../../shared/i18n';
import { preflightText } from '../board/blocker-text';

const formats: { format: ExportFormat; label: MessageKey }[] = [
  { format: 'docx', label: 'export.docx' },
  { format: 'md', label: 'export.markdown' },
  { format: 'html', label: 'export.html' },
];

const stateLabels: Record<FillState, MessageKey> = {
  empty: 'export.state.empty',
  under: 'export.state.under',
  ok: 'export.state.ok',
  over: 'export.state.over',
};

/**
 * Export with a preflight: each section's characters against its limits, the
 * warnings (codes rendered in the reader's language, BRD3) when any section is
 * empty, short or over, then the three
 * downloads (plain links: the server answers with an attachment).
 */
export function ExportMenu({ proposalId }: { proposalId: string }) {
  const i18n = useI18n();
  const { t, number } = i18n;
  const [preflight, setPreflight] = useState<PreflightResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState(false);

  useEffect(() => {
    let live = true;
    setPreflight(null);
    setError(null);
    call('GET', `/proposals/${proposalId}/export/preflight`, preflightResponseSchema).then(
      (p) => live && setPreflight(p),
      (err: unknown) => live && setError(errorText(err, i18n)),
    );
    return () => {
      live = false;
    };
  }, [proposalId]);

  const href = (format: ExportFormat) => `/api/proposals/${proposalId}/export?format=${format}${notes ? '&notes=1' : ''}`;
  const names = new Map(preflight?.sections.map((s) => [s.sectionId, `${s.number} ${s.title}`]) ?? []);

  return (
    <section className="export-menu" aria-labelledby="export-menu-title" data-testid="export-menu">
      <h2 id="export-menu-title">{t('export.title')}</h2>
      {error && <p role="alert">{error}</p>}
      {!preflight && !error && <p>{t('common.loading')}</p>}
      {preflight && (
        <>
          {preflight.warnings.length > 0 ? (
            <div className="export-menu__warning" role="status" data-testid="preflight-warnings">
              <p>{t('preflight.count', { count: preflight.warnings.length })}</p>
              <ul>
                {preflight.warnings.map((w) => (
                  <li key={w.sectionId} data-kind={w.kind} data-section-id={w.sectionId}>
                    {names.get(w.sectionId) ?? ''}: {preflightText(t, w)}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p role="status">{t('export.allWithinLimits')}</p>
          )}
          <table className="export-menu__preflight">
            <caption>{t('export.preflight')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('export.section')}</th>
                <th scope="col">{t('export.characters')}</th>
                <th scope="col">{t('export.limits')}</th>
                <th scope="col">{t('export.state')}</th>
              </tr>
            </thead>
            <tbody>
              {preflight.sections.map((s) => (
                <tr key={s.sectionId} data-state={s.state}>
                  <th scope="row">
                    {s.number} {s.title}
                  </th>
                  <td>{number(s.chars)}</td>
                  <td>
                    {number(s.minChars)}–{number(s.maxChars)}
                  </td>
                  <td>{s.state === 'over' ? t('preflight.over', { over: s.overBy, max: s.maxChars }) : t(stateLabels[s.state])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <label className="export-menu__notes">
        <input type="checkbox" checked={notes} onChange={(e) => setNotes(e.target.checked)} /> {t('export.includeNotes')}
      </label>
      <ul className="export-menu__downloads">
        {formats.map((f) => (
          <li key={f.format}>
            <a href={href(f.format)} download data-format={f.format}>
              {t(f.label)}
            </a>
          </li>
        ))}
      </ul>
      <p className="export-menu__hint">{t('export.printHint')}</p>
    </section>
  );
}
