import type { Locale } from '../schemas/common';
import type { LocalizedText } from './types';

/** One text in the five interface languages, in the order EN, IT, SV, ES, FI. */
export function text(en: string, it: string, sv: string, es: string, fi: string): LocalizedText {
  return { en, it, sv, es, fi };
}

/** The same text in every language: for codes and proper names only (a call code such as CERV-2025-CITIZENS-TOWN-NT). */
export function code(value: string): LocalizedText {
  return text(value, value, value, value, value);
}

/** A localized text in `locale`, else in English. */
export function inLocale(t: LocalizedText, locale: Locale): string {
  return t[locale] || t.en;
}
