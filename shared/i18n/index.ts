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

/** The `{name}` placeholders of a message, sorted. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

/** Looks a key up in a locale's catalogue and fills its placeholders. */
export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const message = catalogues[locale][key];
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
