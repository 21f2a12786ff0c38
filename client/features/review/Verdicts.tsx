import { useState } from 'react';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import type { Section } from '../../../shared/schemas';
import { summarizeVerdicts, type Verdict } from '../../../shared/schemas/verdicts';
import { limits } from '../../../shared/limits';
import { reviewApi } from './review-api';
import './review.css';

/**
 * A section's verdicts in its header (VRD1): everyone sees the summary
 * ("2 ready · 1 needs changes"), with names and notes on demand; a member who may
 * give one (`abilities.verdict`) gets "Ready" / "Needs changes" and a note. The
 * coordinator still decides approval: verdicts never change the status.
 */
export function Verdicts({ section, userId, onSectionChanged }: { section: Section; userId: string; onSectionChanged(s: Section): void }) {
  const i18n = useI18n();
  const { t, date } = i18n;
  const mine = section.verdicts.find((v) => v.userId === userId);
  const [note, setNote] = useState(mine?.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sum = summarizeVerdicts(section.verdicts);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      onSectionChanged((await reviewApi.section(section.id)).section);
    } catch (err) {
      setError(errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  }

  const give = (verdict: Verdict) => run(() => reviewApi.giveVerdict(section.id, note.trim() ? { verdict, note: note.trim() } : { verdict }));
  const parts = [
    sum.ready > 0 ? t('verdict.count.ready', { count: sum.ready }) : null,
    sum.needsChanges > 0 ? t('verdict.count.needsChanges', { count: sum.needsChanges }) : null,
    sum.stale > 0 ? t('verdict.count.stale', { count: sum.stale }) : null,
  ].filter((p): p is string => p !== null);

  return (
    <section className="verdicts" aria-label={t('verdict.heading')} data-testid="verdicts">
      <p className="verdicts__summary" data-testid="verdict-summary">
        <strong>{t('verdict.heading')}:</strong> {parts.length > 0 ? parts.join(' · ') : t('verdict.none')}
      </p>
      {section.verdicts.length > 0 && (
        <details className="verdicts__details">
          <summary>{t('verdict.details')}</summary>
          <ul className="verdicts__list">
            {section.verdicts.map((v) => (
              <li key={v.userId} className={`verdicts__entry verdicts__entry--${v.stale ? 'stale' : v.verdict}`} data-testid="verdict-entry">
                <span>{t('verdict.entry', { name: v.name, verdict: v.verdict })}</span> <span className="muted">{date(v.at)}</span>
                {v.stale && <em className="muted"> — {t('verdict.staleNote')}</em>}
                {v.note && <p className="verdicts__note">{v.note}</p>}
              </li>
            ))}
          </ul>
        </details>
      )}
      {section.abilities.verdict && (
        <div className="verdicts__give" role="group" aria-label={t('verdict.give')}>
          <label className="verdicts__note-field">
            {t('verdict.note')}
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={limits.verdictNoteMaxChars} data-testid="verdict-note" />
          </label>
          <div className="verdicts__buttons">
            <button
              type="button"
              className="button button--small"
              aria-pressed={mine?.verdict === 'ready' && !mine.stale}
              disabled={busy}
              onClick={() => void give('ready')}
              data-testid="verdict-ready"
            >
              {t('verdict.ready')}
            </button>
            <button
              type="button"
              className="button button--small"
              aria-pressed={mine?.verdict === 'needs_changes' && !mine.stale}
              disabled={busy}
              onClick={() => void give('needs_changes')}
              data-testid="verdict-needs-changes"
            >
              {t('verdict.needsChanges')}
            </button>
            {mine && (
              <button type="button" className="button button--small" disabled={busy} onClick={() => void run(() => reviewApi.withdrawVerdict(section.id))} data-testid="verdict-withdraw">
                {t('verdict.withdraw')}
              </button>
            )}
          </div>
          {mine && !mine.stale && (
            <p className="muted" data-testid="verdict-mine">
              {t('verdict.yours', { verdict: mine.verdict })}
            </p>
          )}
        </div>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
