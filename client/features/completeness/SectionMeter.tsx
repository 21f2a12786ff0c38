import { useI18n } from '../../i18n';
import { completeness, type MeterPart } from '../../../shared/completeness';
import type { MessageKey } from '../../../shared/i18n';
import type { Section } from '../../../shared/schemas';
import { requiredItemLabel } from '../../../shared/templates';
import { meterReasonText } from './meter-reasons';
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

const partNames: Record<MeterPart, MessageKey> = {
  fill: 'meterPart.fill',
  checklist: 'meterPart.checklist',
  requiredItems: 'meterPart.requiredItems',
  review: 'meterPart.review',
  threads: 'meterPart.threads',
};

/**
 * Score bar, then each part of the score with its points and its reason (MTR9),
 * the required items still missing and the blocked flag; red, with the excess, over maxChars.
 */
export function SectionMeter({ section, chars, openThreads, templateId }: { section: Section; chars: number; openThreads: number; templateId?: string }) {
  const { t, percent, number, locale } = useI18n();
  const result = liveCompleteness(section, chars, openThreads);
  const over = chars > section.maxChars;
  const points = (n: number) => number(Math.round(n * 10) / 10);
  const itemLabel = (key: string, stored: string) => (templateId ? requiredItemLabel(templateId, section.key, key, locale, stored) : stored);
  const extras = result.missing.flatMap((m): { key: string; item: string; text: string }[] => {
    switch (m.kind) {
      case 'required_item':
        return [{ key: `item-${m.params.key}`, item: m.item, text: t('meterItem.required', { item: itemLabel(m.params.key, m.params.label) }) }];
      case 'blocked':
        return [{ key: 'blocked', item: m.item, text: t('meterItem.blocked', { reason: m.params.reason }) }];
      default:
        return [];
    }
  });
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
          {t('meterReason.fill_over', { over: chars - section.maxChars, max: section.maxChars })}
        </p>
      )}
      <table className="section-meter__parts" data-testid="meter-parts">
        <caption className="visually-hidden">{t('meterPart.caption')}</caption>
        <tbody>
          {result.parts.map((p) => (
            <tr key={p.part} data-part={p.part} data-reason={p.reason.kind} className={p.earned < p.max ? 'section-meter__part--short' : undefined}>
              <th scope="row">{t(partNames[p.part])}</th>
              <td className="section-meter__points">{t('meterPart.points', { earned: points(p.earned), max: p.max })}</td>
              <td>{meterReasonText(t, p.reason)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {extras.length > 0 && (
        <ul className="section-meter__missing">
          {extras.map((e) => (
            <li key={e.key} data-item={e.item}>
              {e.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
