import { describe, expect, it } from 'vitest';
import { blockerText, preflightText } from '../../client/features/board/blocker-text';
import { translate, type MessageKey, type MessageParams } from '../../shared/i18n';
import { localeSchema, type Locale } from '../../shared/schemas/common';
import { preflightWarningSchema, type PreflightWarning } from '../../shared/schemas/export';
import { boardBlockerSchema, type BoardBlocker } from '../../shared/schemas/review';

const blockers = (n: number): BoardBlocker[] => [
  { kind: 'status', sectionId: 's', params: { status: 'in_review' } },
  { kind: 'blocked', sectionId: 's', params: { reason: 'Aspettiamo il sindaco' } },
  { kind: 'threads', sectionId: 's', params: { count: n } },
  { kind: 'over_limit', sectionId: 's', params: { over: n, max: 5000 } },
  { kind: 'partners', sectionId: null, params: { min: n + 3, actual: n } },
  { kind: 'countries', sectionId: null, params: { min: n, actual: n - 1 } },
  { kind: 'pages', sectionId: null, params: { pages: 40.5, limit: 40 } },
];
const warnings = (n: number): PreflightWarning[] => [
  { kind: 'empty', sectionId: 's', params: { min: n } },
  { kind: 'under', sectionId: 's', params: { chars: n, missing: 3000 - n, min: 3000 } },
  { kind: 'over', sectionId: 's', params: { over: n, max: 5000 } },
];
const tIn = (locale: Locale) => (key: MessageKey, params?: MessageParams) => translate(locale, key, params);

describe('blockers and preflight warnings in the reader’s language', () => {
  it('BRD2, BRD3: every kind has a sample here', () => {
    expect(new Set(blockers(1).map((b) => b.kind))).toEqual(new Set(boardBlockerSchema.options.map((o) => o.shape.kind.value)));
    expect(new Set(warnings(1).map((w) => w.kind))).toEqual(new Set(preflightWarningSchema.options.map((o) => o.shape.kind.value)));
  });

  it('BRD2, BRD3: every blocker and warning renders in all five languages, fully, in the language (not the English text)', () => {
    for (const locale of localeSchema.options) {
      for (const n of [1, 4]) {
        const texts = [...blockers(n).map((b) => blockerText(tIn(locale), b)), ...warnings(n).map((w) => preflightText(tIn(locale), w))];
        const english = [...blockers(n).map((b) => blockerText(tIn('en'), b)), ...warnings(n).map((w) => preflightText(tIn('en'), w))];
        texts.forEach((text, i) => {
          expect(text, `${locale} ${i}`).not.toMatch(/[{}#]/);
          if (locale !== 'en' && !text.startsWith('Bl')) expect(text, `${locale} ${i}`).not.toBe(english[i]);
        });
      }
    }
    const en = tIn('en');
    expect(blockerText(en, blockers(1)[2]!)).toBe('1 open comment thread');
    expect(blockerText(en, blockers(4)[3]!)).toBe('4 characters over its limit of 5,000');
    expect(blockerText(en, blockers(1)[4]!)).toBe('The call needs at least 4 partners; the proposal has 1');
    expect(blockerText(en, blockers(1)[5]!)).toBe('The call needs partners from at least 1 country; the proposal has 0');
    expect(blockerText(tIn('it'), blockers(1)[0]!)).toBe(`${translate('it', 'status.in_review')}, non ancora approvata`);
    expect(blockerText(tIn('it'), blockers(1)[6]!)).toBe('Circa 40,5 pagine, oltre il limite del bando di 40');
    expect(preflightText(en, warnings(1)[0]!)).toBe('Empty: at least 1 character needed');
    expect(preflightText(tIn('sv'), warnings(4)[2]!)).toBe('4 tecken över gränsen på 5\u00a0000');
  });
});
