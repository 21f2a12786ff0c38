import { useI18n } from '../../i18n';
import { completeness, type CompletenessItem, type MissingItem } from '../../../shared/completeness';
import type { MessageKey } from '../../../shared/i18n';
import type { Section } from '../../../shared/schemas';
import './meter.css';

/** The meter of one section from its live character count, checklist, status and open threads. */
export function liveCompleteness(section: Section, chars: number, openThreads: number) {
  return completeness(
    section,
    { chars, checked: section.checklist, itemsPresent: section.itemsPresent },
    { status: section.status, notApplicable: section.notApplicableReason !== null, blockedReason: section.blockedReason },
    openThreads,
  );
}

const itemKeys: Record<Exclude<CompletenessItem, 'fill' | 'requiredItems' | 'blocked'>, MessageKey> = {
  checklist: 'meter.checklist',
  review: 'meter.review',
  threads: 'meter.threads',
};

function Missing({ m, section, chars, openThreads }: { m: MissingItem; section: Section; chars: number; openThreads: number }) {
  const { t, number } = useI18n();
  switch (m.item) {
    case 'fill':
      return chars > section.maxChars ? (
        <>{t('count.over', { count: number(chars - section.maxChars) })}</>
      ) : (
        <>{t('count.under', { count: number(section.minChars - chars) })}</>
      );
    case 'requiredItems':
      return <>{t('meter.requiredItem', { item: m.reason.replace(/^Missing: /, '') })}</>;
    case 'blocked':
      return <>{t('review.blockedBanner', { reason: section.blockedReason ?? '' })}</>;
    case 'checklist': {
      const ticked = new Set(section.checklist).size;
      return <>{t(itemKeys.checklist, { count: section.guidance.length - ticked, total: section.guidance.length })}</>;
    }
    case 'threads':
      return <>{t(itemKeys.threads, { count: openThreads })}</>;
    case 'review':
      return <>{t(itemKeys.review, { status: t(`status.${section.status}`) })}</>;
  }
}

/** Score bar and unmet items; red, with the excess, over maxChars. */
export function SectionMeter({ section, chars, openThreads }: { section: Section; chars: number; openThreads: number }) {
  const { t, percent, number } = useI18n();
  const result = liveCompleteness(section, chars, openThreads);
  const over = chars > section.maxChars;
  return (
    <div className={`section-meter${over ? ' section-meter--over' : ''}`} data-testid="section-meter" data-score={result.score} data-over={over}>
      <div className="section-meter__head">
        <span className="meter meter--wide" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={result.score} aria-label={t('workspace.meter', { percent: percent(result.score) })}>
          <span className="meter__bar" style={{ width: `${result.score}%` }} />
        </span>
        <strong data-testid="section-score">{percent(result.score)}</strong>
      </div>
      {over && (
        <p className="section-meter__over" role="alert" data-testid="over-limit">
          {t('meter.overBy', { count: number(chars - section.maxChars), max: number(section.maxChars) })}
        </p>
      )}
      {result.missing.length > 0 && (
        <ul className="section-meter__missing">
          {result.missing.map((m, i) => (
            <li key={i} data-item={m.item}>
              <Missing m={m} section={section} chars={chars} openThreads={openThreads} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
