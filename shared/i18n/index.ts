import i18next, { type i18n as I18nextInstance } from 'i18next';
import ICU from 'i18next-icu';
import { IntlMessageFormat } from 'intl-messageformat';
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { Locale } from '../schemas/common';
import type { KeysOf } from './define';
import { en, type MessageKey as CoreKey } from './en';
import { es } from './es';
import { fi } from './fi';
import { it } from './it';
import { sv } from './sv';
import { a11yMessages } from './features/a11y';
import { activityMessages } from './features/activity';
import { boardMessages } from './features/board';
import { meterMessages } from './features/meter';
import { onboardingMessages } from './features/onboarding';
import { partnersMessages } from './features/partners';
import { reviewMessages } from './features/review';
import { templatesMessages } from './features/templates';

/**
 * The core catalogue (./en.ts and its four translations) plus one module per
 * feature (./features/*.ts, each with all five languages). A key lives in
 * exactly one of them (I18N tests).
 */
const features = [a11yMessages, activityMessages, boardMessages, meterMessages, onboardingMessages, partnersMessages, reviewMessages, templatesMessages] as const;

export type MessageKey = CoreKey | KeysOf<(typeof features)[number]>;
/** A complete catalogue: every key, and no other. */
export type Catalogue = Readonly<Record<MessageKey, string>>;

const core: Readonly<Record<Locale, Readonly<Record<CoreKey, string>>>> = { en, it, sv, es, fi };

function merged(locale: Locale): Catalogue {
  return Object.assign({}, core[locale], ...features.map((f) => f[locale])) as Catalogue;
}

/** Every interface language, each with a complete catalogue. */
export const catalogues: Readonly<Record<Locale, Catalogue>> = { en: merged('en'), it: merged('it'), sv: merged('sv'), es: merged('es'), fi: merged('fi') };

/** Every key, with the module that owns it (for the one-owner test). */
export const keyOwners: ReadonlyArray<{ key: string; owner: string }> = [
  ...Object.keys(en).map((key) => ({ key, owner: 'core' })),
  ...features.flatMap((f, i) => Object.keys(f.en).map((key) => ({ key, owner: `feature${i}` }))),
];

/** Each language's name in that language, for the language picker. */
export const localeNames: Readonly<Record<Locale, string>> = {
  en: 'English',
  it: 'Italiano',
  sv: 'Svenska',
  es: 'Español',
  fi: 'Suomi',
};

/** BCP 47 tags for Intl (dates and numbers follow the interface language). */
export const localeTags: Readonly<Record<Locale, string>> = {
  en: 'en-GB',
  it: 'it-IT',
  sv: 'sv-SE',
  es: 'es-ES',
  fi: 'fi-FI',
};

export type MessageParams = Readonly<Record<string, string | number>>;

/** How a message uses one of its arguments: shown as is, chosen among cases by `select`, or by `plural`/`selectordinal`. */
export type ArgumentUse = 'simple' | 'select' | 'plural';

/** The arguments of an ICU message (nested ones too), each with how it is used; throws when the message is not valid ICU. */
export function messageArguments(message: string, locale: Locale = 'en'): ReadonlyMap<string, ArgumentUse> {
  const out = new Map<string, ArgumentUse>();
  const walk = (elements: readonly MessageFormatElement[]): void => {
    for (const el of elements) {
      if ('pluralType' in el) {
        out.set(el.value, 'plural');
        for (const option of Object.values(el.options)) walk(option.value);
      } else if ('options' in el) {
        out.set(el.value, 'select');
        for (const option of Object.values(el.options)) walk(option.value);
      } else if ('children' in el) {
        walk(el.children);
      } else if (el.type !== LITERAL && 'value' in el && !out.has(el.value)) {
        out.set(el.value, 'simple');
      }
    }
  };
  walk(new IntlMessageFormat(message, localeTags[locale], undefined, { ignoreTag: true }).getAst());
  return out;
}

/** The argument names of a message, sorted (nested plural and select arguments too). */
export function placeholders(message: string): string[] {
  return [...messageArguments(message).keys()].sort();
}

/** The literal element's type in intl-messageformat's AST (its TYPE enum). */
const LITERAL = 0;

/** One i18next instance per interface language, made on first use (synchronously: the resources are in the bundle). */
const engines = new Map<Locale, I18nextInstance>();

function engine(locale: Locale): I18nextInstance {
  const cached = engines.get(locale);
  if (cached) return cached;
  const instance = i18next.createInstance();
  instance.use(
    new ICU({
      // A message that cannot be formatted (a plural without its count) shows as written, never as an empty string.
      parseErrorHandler: (_err, _key, res) => res,
    }),
  );
  void instance.init({
    lng: locale,
    fallbackLng: false,
    resources: { [locale]: { translation: catalogues[locale] } },
    initAsync: false,
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
  });
  engines.set(locale, instance);
  return instance;
}

/**
 * Looks a key up in a locale's catalogue and renders it as ICU MessageFormat:
 * numbers are formatted in the language, plurals follow its CLDR rules. An
 * argument that is not given (other than a plural's count) stays visible as `{name}`.
 */
export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const values: Record<string, string | number> = {};
  for (const [name, use] of argumentsOf(locale, key)) {
    const value = params[name];
    if (value !== undefined) values[name] = value;
    else if (use !== 'plural') values[name] = `{${name}}`;
  }
  return engine(locale).t(key, values);
}

const argumentCache = new Map<string, ReadonlyMap<string, ArgumentUse>>();

function argumentsOf(locale: Locale, key: MessageKey): ReadonlyMap<string, ArgumentUse> {
  const id = `${locale}\u0000${key}`;
  let args = argumentCache.get(id);
  if (!args) {
    try {
      args = messageArguments(catalogues[locale][key], locale);
    } catch {
      args = new Map();
    }
    argumentCache.set(id, args);
  }
  return args;
}
