import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../shared/error-codes';
import { catalogues, keyOwners, messageArguments, translate, type MessageKey } from '../../shared/i18n';
import { localeSchema, type Locale } from '../../shared/schemas/common';

const locales = localeSchema.options;
const others = locales.filter((l): l is Exclude<Locale, 'en'> => l !== 'en');
const englishKeys = Object.keys(catalogues.en).sort() as MessageKey[];

/** Words that are the same in a language as in English: our name, and loanwords each language uses. */
const sameAsEnglish: Readonly<Record<Exclude<Locale, 'en'>, readonly string[]>> = {
  it: ['Twinpad', 'Email', 'Password', 'Online', 'Offline', 'Link', 'Partner'],
  sv: ['Twinpad', 'Partner'],
  es: ['Twinpad', 'Editor'],
  fi: ['Twinpad'],
};

/** A message with its arguments taken out, e.g. `{name}, {date}` → `, `. */
function withoutArguments(message: string): string {
  return message.replace(/\{[^{}]*\}/g, '');
}

/** Each argument of a message with how it is used, e.g. `count:plural,max:simple`. */
function signature(message: string, locale: Locale): string {
  return [...messageArguments(message, locale)]
    .map(([name, use]) => `${name}:${use}`)
    .sort()
    .join(',');
}

describe('I18N catalogues are complete and well-formed', () => {
  it('I18N6 every error code the server may send has error.code.<code> in all five languages, none empty', () => {
    const missing = locales.flatMap((locale) =>
      errorCodes.filter((code) => (catalogues[locale] as Record<string, string>)[`error.code.${code}`]?.trim() ? false : true).map((code) => `${locale}: ${code}`),
    );
    expect(missing).toEqual([]);
  });

  it('I18N6 the list of error codes has no duplicates', () => {
    expect(new Set(errorCodes).size).toBe(errorCodes.length);
  });

  for (const locale of locales) {
    it(`I18N7 (${locale}) every message parses as ICU MessageFormat`, () => {
      const broken: string[] = [];
      for (const key of englishKeys) {
        try {
          messageArguments(catalogues[locale][key], locale);
        } catch (err) {
          broken.push(`${key}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      expect(broken).toEqual([]);
    });
  }

  for (const locale of others) {
    it(`I18N8 (${locale}) every message has English's arguments, plural and select ones alike`, () => {
      const mismatched = englishKeys
        .filter((key) => signature(catalogues[locale][key], locale) !== signature(catalogues.en[key], 'en'))
        .map((key) => `${key}: ${signature(catalogues[locale][key], locale)} ≠ ${signature(catalogues.en[key], 'en')}`);
      expect(mismatched).toEqual([]);
    });

    it(`I18N3 (${locale}) no message is a copy of English, but for names and loanwords`, () => {
      const copies = englishKeys.filter((key) => {
        const message = catalogues[locale][key];
        if (message !== catalogues.en[key]) return false;
        if (!/\p{L}{3,}/u.test(withoutArguments(message))) return false;
        return !sameAsEnglish[locale].includes(message);
      });
      expect(copies).toEqual([]);
    });
  }

  it('I18N9 a key is owned by one module only (the core catalogue or one feature module)', () => {
    const owners = new Map<string, string[]>();
    for (const { key, owner } of keyOwners) owners.set(key, [...(owners.get(key) ?? []), owner]);
    expect([...owners].filter(([, o]) => o.length > 1).map(([key, o]) => `${key}: ${o.join(', ')}`)).toEqual([]);
  });

  it('I18N7 the checks above can fail: a broken message, a lost argument and a plural turned plain are caught', () => {
    expect(() => messageArguments('{count, plural, one {# item}', 'en')).toThrow();
    expect(signature("Dell'{name}", 'it')).not.toBe(signature('Of {name}', 'en'));
    expect(signature('{count} items', 'en')).not.toBe(signature('{count, plural, one {# item} other {# items}}', 'en'));
  });
});

/** The exact strings for 1, 2, 5, 21 and 1,000,000 (ICU: CLDR plural rules, numbers in the language). */
const nbsp = '\u00a0';
const plurals: ReadonlyArray<{ key: MessageKey; params?: Record<string, number>; expected: Record<Locale, readonly [string, string, string, string, string]> }> = [
  {
    key: 'count.chars',
    expected: {
      en: ['1 character', '2 characters', '5 characters', '21 characters', '1,000,000 characters'],
      it: ['1 carattere', '2 caratteri', '5 caratteri', '21 caratteri', '1.000.000 caratteri'],
      sv: ['1 tecken', '2 tecken', '5 tecken', '21 tecken', `1${nbsp}000${nbsp}000 tecken`],
      es: ['1 carácter', '2 caracteres', '5 caracteres', '21 caracteres', '1.000.000 de caracteres'],
      fi: ['1 merkki', '2 merkkiä', '5 merkkiä', '21 merkkiä', `1${nbsp}000${nbsp}000 merkkiä`],
    },
  },
  {
    key: 'count.over',
    expected: {
      en: ['1 character over the limit', '2 characters over the limit', '5 characters over the limit', '21 characters over the limit', '1,000,000 characters over the limit'],
      it: ['1 carattere oltre il limite', '2 caratteri oltre il limite', '5 caratteri oltre il limite', '21 caratteri oltre il limite', '1.000.000 caratteri oltre il limite'],
      sv: ['1 tecken över gränsen', '2 tecken över gränsen', '5 tecken över gränsen', '21 tecken över gränsen', `1${nbsp}000${nbsp}000 tecken över gränsen`],
      es: [
        '1 carácter por encima del límite',
        '2 caracteres por encima del límite',
        '5 caracteres por encima del límite',
        '21 caracteres por encima del límite',
        '1.000.000 de caracteres por encima del límite',
      ],
      fi: ['1 merkki yli rajan', '2 merkkiä yli rajan', '5 merkkiä yli rajan', '21 merkkiä yli rajan', `1${nbsp}000${nbsp}000 merkkiä yli rajan`],
    },
  },
  {
    key: 'workspace.peopleHere',
    expected: {
      en: ['1 person here', '2 people here', '5 people here', '21 people here', '1,000,000 people here'],
      it: ['1 persona qui', '2 persone qui', '5 persone qui', '21 persone qui', '1.000.000 persone qui'],
      sv: ['1 person här', '2 personer här', '5 personer här', '21 personer här', `1${nbsp}000${nbsp}000 personer här`],
      es: ['1 persona aquí', '2 personas aquí', '5 personas aquí', '21 personas aquí', '1.000.000 personas aquí'],
      fi: ['1 henkilö täällä', '2 henkilöä täällä', '5 henkilöä täällä', '21 henkilöä täällä', `1${nbsp}000${nbsp}000 henkilöä täällä`],
    },
  },
  {
    key: 'boardGrid.threads',
    expected: {
      en: ['1 open thread', '2 open threads', '5 open threads', '21 open threads', '1,000,000 open threads'],
      it: ['1 discussione aperta', '2 discussioni aperte', '5 discussioni aperte', '21 discussioni aperte', '1.000.000 discussioni aperte'],
      sv: ['1 öppen tråd', '2 öppna trådar', '5 öppna trådar', '21 öppna trådar', `1${nbsp}000${nbsp}000 öppna trådar`],
      es: ['1 hilo abierto', '2 hilos abiertos', '5 hilos abiertos', '21 hilos abiertos', '1.000.000 hilos abiertos'],
      fi: ['1 avoin ketju', '2 avointa ketjua', '5 avointa ketjua', '21 avointa ketjua', `1${nbsp}000${nbsp}000 avointa ketjua`],
    },
  },
  {
    key: 'conn.offlineUnsynced',
    expected: {
      en: ['Offline: 1 unsynced change', 'Offline: 2 unsynced changes', 'Offline: 5 unsynced changes', 'Offline: 21 unsynced changes', 'Offline: 1,000,000 unsynced changes'],
      it: [
        'Offline: 1 modifica non sincronizzata',
        'Offline: 2 modifiche non sincronizzate',
        'Offline: 5 modifiche non sincronizzate',
        'Offline: 21 modifiche non sincronizzate',
        'Offline: 1.000.000 modifiche non sincronizzate',
      ],
      sv: ['Frånkopplad: 1 osynkad ändring', 'Frånkopplad: 2 osynkade ändringar', 'Frånkopplad: 5 osynkade ändringar', 'Frånkopplad: 21 osynkade ändringar', `Frånkopplad: 1${nbsp}000${nbsp}000 osynkade ändringar`],
      es: ['Sin conexión: 1 cambio sin sincronizar', 'Sin conexión: 2 cambios sin sincronizar', 'Sin conexión: 5 cambios sin sincronizar', 'Sin conexión: 21 cambios sin sincronizar', 'Sin conexión: 1.000.000 cambios sin sincronizar'],
      fi: ['Ei yhteyttä: 1 synkronoimaton muutos', 'Ei yhteyttä: 2 synkronoimatonta muutosta', 'Ei yhteyttä: 5 synkronoimatonta muutosta', 'Ei yhteyttä: 21 synkronoimatonta muutosta', `Ei yhteyttä: 1${nbsp}000${nbsp}000 synkronoimatonta muutosta`],
    },
  },
  {
    key: 'field.tooLong',
    expected: {
      en: ['Use at most 1 character', 'Use at most 2 characters', 'Use at most 5 characters', 'Use at most 21 characters', 'Use at most 1,000,000 characters'],
      it: ['Usa al massimo 1 carattere', 'Usa al massimo 2 caratteri', 'Usa al massimo 5 caratteri', 'Usa al massimo 21 caratteri', 'Usa al massimo 1.000.000 caratteri'],
      sv: ['Använd högst 1 tecken', 'Använd högst 2 tecken', 'Använd högst 5 tecken', 'Använd högst 21 tecken', `Använd högst 1${nbsp}000${nbsp}000 tecken`],
      es: ['Usa como máximo 1 carácter', 'Usa como máximo 2 caracteres', 'Usa como máximo 5 caracteres', 'Usa como máximo 21 caracteres', 'Usa como máximo 1.000.000 caracteres'],
      fi: ['Käytä enintään 1 merkki', 'Käytä enintään 2 merkkiä', 'Käytä enintään 5 merkkiä', 'Käytä enintään 21 merkkiä', `Käytä enintään 1${nbsp}000${nbsp}000 merkkiä`],
    },
  },
];

const counts = [1, 2, 5, 21, 1_000_000] as const;
const argumentOf: Partial<Record<MessageKey, string>> = { 'field.tooLong': 'max' };

describe('I18N10 plurals follow each language (1, 2, 5, 21, 1,000,000)', () => {
  for (const { key, expected } of plurals) {
    for (const locale of locales) {
      it(`I18N10 ${key} in ${locale}`, () => {
        const name = argumentOf[key] ?? 'count';
        expect(counts.map((n) => translate(locale, key, { [name]: n }))).toEqual(expected[locale]);
      });
    }
  }

  it('I18N10 every count message of the core catalogue is an ICU plural in English (no "1 characters")', () => {
    for (const key of ['count.chars', 'count.under', 'count.over', 'workspace.peopleHere', 'workspace.peopleInSection', 'conn.syncing', 'comments.resolvedCount', 'changes.insertedChars', 'changes.deletedChars', 'unsaved.split'] as const) {
      expect(translate('en', key, { count: 1 }), key).not.toMatch(/\b1 \w+s\b/);
    }
  });

  it('I18N10 numbers that are not counts are formatted in the language too', () => {
    expect(translate('en', 'count.budget', { count: 1234, min: 1000, max: 2000 })).toBe('1,234 of 1,000–2,000 characters');
    expect(translate('it', 'count.budget', { count: 1234, min: 1000, max: 2000 })).toBe('1234 di 1000–2000 caratteri');
    expect(translate('fi', 'meter.pages', { pages: 2.5, limit: 1 })).toBe('Noin 2,5 / 1 sivu');
  });
});
