import { describe, expect, it } from 'vitest';
import { localeSchema } from '../../shared/schemas/common';
import { catalogues, placeholders, translate, type MessageKey } from '../../shared/i18n';
import { en } from '../../shared/i18n/en';

/** Every key: the core catalogue's and every feature module's. */
const englishKeys = Object.keys(catalogues.en).sort();

describe('interface catalogues', () => {
  it('I18N1: every supported locale has a catalogue', () => {
    expect(Object.keys(catalogues).sort()).toEqual([...localeSchema.options].sort());
  });

  for (const locale of localeSchema.options) {
    it(`I18N1: ${locale} has exactly the English keys, none empty`, () => {
      const catalogue = catalogues[locale];
      expect(Object.keys(catalogue).sort()).toEqual(englishKeys);
      const empty = Object.entries(catalogue).filter(([, v]) => v.trim() === '').map(([k]) => k);
      expect(empty).toEqual([]);
    });

    it(`I18N2: ${locale} keeps every placeholder of the English message`, () => {
      const mismatched = englishKeys.filter((k) => {
        const key = k as MessageKey;
        return placeholders(catalogues[locale][key]).join(',') !== placeholders(catalogues.en[key]).join(',');
      });
      expect(mismatched).toEqual([]);
    });
  }

  it('I18N2: translate renders ICU (numbers in the language) and leaves unknown arguments visible', () => {
    expect(translate('it', 'count.chars', { count: 1 })).toBe('1 carattere');
    expect(translate('en', 'meter.partnersRule', { count: 1200, min: 2 })).toBe('Partners: 1,200 (at least 2)');
    expect(translate('it', 'lock.ownedBy', { partner: 'Comune di Bologna', country: 'IT' })).toBe(
      'Di competenza di Comune di Bologna (IT): puoi leggere e commentare',
    );
    expect(translate('en', 'nav.signedInAs', {})).toBe('Signed in as {name}');
    // A plural without its count cannot be rendered: it shows as written, never as an empty string.
    expect(translate('en', 'count.chars', {})).toBe(en['count.chars']);
  });

  it('SEC29 the refusal sentences (error.*) are translated in every language, none copied from English', () => {
    const keys = englishKeys.filter((k) => k.startsWith('error.')) as MessageKey[];
    expect(keys.length).toBeGreaterThanOrEqual(20);
    for (const locale of ['it', 'sv', 'es', 'fi'] as const) {
      expect(keys.filter((k) => catalogues[locale][k] === catalogues.en[k]), locale).toEqual([]);
    }
  });

  it('I18N3: non-English catalogues are translated, not copied', () => {
    for (const locale of ['it', 'sv', 'es', 'fi'] as const) {
      const same = englishKeys.filter((k) => catalogues[locale][k as MessageKey] === catalogues.en[k as MessageKey]);
      // Brand names and a few international words (Email, Online, Partner) may coincide.
      expect(same.length, `${locale}: ${same.join(', ')}`).toBeLessThan(englishKeys.length / 10);
    }
  });
});
