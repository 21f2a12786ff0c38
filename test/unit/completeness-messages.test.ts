import { describe, expect, it } from 'vitest';
import { meterReasonText } from '../../client/features/completeness/meter-reasons';
import { completeness } from '../../shared/completeness';
import { translate, type MessageKey, type MessageParams } from '../../shared/i18n';
import { localeSchema, type Locale } from '../../shared/schemas/common';
import { meterReasonSchema, type MeterReason } from '../../shared/schemas/completeness';

/** One reason of every kind, with parameters that exercise plurals (1 and many). */
const samples = (n: number): MeterReason[] => [
  { kind: 'not_applicable', params: {} },
  { kind: 'no_text', params: {} },
  { kind: 'fill_empty', params: { min: 3000 * n } },
  { kind: 'fill_short', params: { missing: n, min: 3000 } },
  { kind: 'fill_ok', params: { chars: 3000 + n, min: 3000, max: 5000 } },
  { kind: 'fill_over', params: { over: n, max: 5000 } },
  { kind: 'checklist_open', params: { open: n, total: n + 1 } },
  { kind: 'checklist_done', params: { total: n } },
  { kind: 'checklist_none', params: {} },
  { kind: 'items_missing', params: { missing: n, total: n } },
  { kind: 'items_done', params: { total: n } },
  { kind: 'items_none', params: {} },
  { kind: 'review_waiting', params: { status: 'changes_requested' } },
  { kind: 'review_in_review', params: {} },
  { kind: 'review_approved', params: { status: 'final' } },
  { kind: 'threads_open', params: { count: n } },
  { kind: 'threads_none', params: {} },
];

const tIn = (locale: Locale) => (key: MessageKey, params?: MessageParams) => translate(locale, key, params);

describe('meter reasons in the reader’s language', () => {
  it('MTR9: every reason kind has a sample here', () => {
    expect(new Set(samples(1).map((r) => r.kind))).toEqual(new Set(meterReasonSchema.options.map((o) => o.shape.kind.value)));
  });

  it('MTR9: every reason renders in all five languages, fully (no ICU left), with the right plural, and the status named in the language', () => {
    for (const locale of localeSchema.options) {
      const t = tIn(locale);
      for (const n of [1, 3]) {
        for (const r of samples(n)) {
          const text = meterReasonText(t, r);
          expect(text, `${locale} ${r.kind}`).not.toMatch(/[{}#]/);
          expect(text.length).toBeGreaterThan(3);
          if (locale !== 'en') expect(text, `${locale} ${r.kind}`).not.toBe(meterReasonText(tIn('en'), r));
        }
      }
    }
    expect(meterReasonText(tIn('en'), { kind: 'threads_open', params: { count: 1 } })).toBe('1 open comment thread');
    expect(meterReasonText(tIn('en'), { kind: 'threads_open', params: { count: 2 } })).toBe('2 open comment threads');
    expect(meterReasonText(tIn('it'), { kind: 'fill_over', params: { over: 1, max: 5000 } })).toBe('1 carattere oltre il limite di 5000');
    expect(meterReasonText(tIn('fi'), { kind: 'fill_over', params: { over: 1, max: 5000 } })).toBe('1 merkki yli 5\u00a0000 merkin rajan');
    expect(meterReasonText(tIn('sv'), { kind: 'review_waiting', params: { status: 'drafting' } })).toBe(`${translate('sv', 'status.drafting')}, ännu inte godkänt`);
    expect(meterReasonText(tIn('es'), { kind: 'fill_short', params: { missing: 1200, min: 3000 } })).toBe('Faltan 1200 caracteres más (mínimo 3000)');
  });

  it('MTR9: what the meter gives for a real section renders in Italian without an English word of its own', () => {
    const spec = { minChars: 3000, maxChars: 5000, guidance: ['a', 'b', 'c'], requiredItems: [] };
    const r = completeness(spec, { chars: 1800, checked: [0], itemsPresent: [] }, 'in_review', 2);
    const italian = r.parts.map((p) => meterReasonText(tIn('it'), p.reason)).join(' | ');
    expect(italian).toBe('Mancano ancora 1200 caratteri (minimo 3000) | 2 di 3 domande guida ancora da trattare | Nessun elemento obbligatorio: segue la lunghezza | In revisione: metà fino all’approvazione | 2 discussioni aperte');
  });
});
