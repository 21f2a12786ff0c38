import type { Locale } from '../schemas/common';
import { en, type Catalogue, type MessageKey } from './en';
import { es } from './es';
import { fi } from './fi';
import { it } from './it';
import { sv } from './sv';

export type { Catalogue, MessageKey } from './en';

/** Every interface language, each with a complete catalogue. */
export const catalogues: Readonly<Record<Locale, Catalogue>> = { en, it, sv, es, fi };

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
