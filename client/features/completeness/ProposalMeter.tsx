import { useI18n } from '../../i18n';
import { rollUpByCriterion } from '../../../shared/completeness';
import type { Proposal } from '../../../shared/schemas';
import { criterionLabel } from '../../../shared/templates';
import './meter.css';

/**
 * The proposal's roll-ups: overall and per award criterion (live scores where
 * someone is typing), the page estimate against the call's limit, and the call
 * rules on partners and countries.
 */
export function ProposalMeter({ proposal, liveScores }: { proposal: Proposal; liveScores: ReadonlyMap<string, number> }) {
  const { t, percent, number, locale } = useI18n();
  const scored = proposal.sections.map((s) => ({ criterion: s.criterion, score: liveScores.get(s.id) ?? s.completeness.score, chars: 0 }));
  const byCriterion = rollUpByCriterion(scored);
  const overall = scored.length === 0 ? 0 : Math.round(scored.reduce((a, s) => a + s.score, 0) / scored.length);
  const pages = proposal.completeness.pages;
  const countries = new Set(proposal.partners.map((p) => p.country)).size;
  const rules = proposal.callRules;
  const partnersOk = proposal.partners.length >= rules.minPartners;
  const countriesOk = countries >= rules.minCountries;

  return (
    <section className="proposal-meter" aria-labelledby="proposal-meter-heading" data-testid="proposal-meter" data-score={overall}>
      <h2 id="proposal-meter-heading" className="proposal-meter__title">
        {t('meter.proposal', { percent: percent(overall) })}
      </h2>
      <span className="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={overall} aria-label={t('workspace.meter', { percent: percent(overall) })}>
        <span className="meter__bar" style={{ width: `${overall}%` }} />
      </span>
      <ul className="proposal-meter__criteria">
        {byCriterion.map((c) => (
          <li key={c.criterion}>
            <span>{criterionLabel(proposal.templateId, c.criterion, locale)}</span> <strong>{percent(c.score)}</strong>
          </li>
        ))}
      </ul>
      <ul className="proposal-meter__rules">
        <li className={pages.over ? 'rule rule--fail' : 'rule rule--ok'} data-testid="page-estimate">
          {t('meter.pages', { pages: pages.estimate, limit: pages.limit })}
        </li>
        <li className={partnersOk ? 'rule rule--ok' : 'rule rule--fail'} data-testid="rule-partners">
          {t('meter.partnersRule', { count: proposal.partners.length, min: rules.minPartners })}
        </li>
        <li className={countriesOk ? 'rule rule--ok' : 'rule rule--fail'} data-testid="rule-countries">
          {t('meter.countriesRule', { count: countries, min: rules.minCountries })}
        </li>
      </ul>
    </section>
  );
}
