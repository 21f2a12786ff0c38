import { localeSchema } from '../../../shared/schemas';

/** The working languages a proposal may be written in: the five interface languages first, then the other official EU languages (ISO 639-1). */
export const interfaceLanguages: readonly string[] = localeSchema.options;
export const otherEuLanguages: readonly string[] = ['bg', 'cs', 'da', 'de', 'el', 'et', 'fr', 'ga', 'hr', 'hu', 'lt', 'lv', 'mt', 'nl', 'pl', 'pt', 'ro', 'sk', 'sl'];

/** A language's name in the reader's language (`Intl.DisplayNames`), or its code. */
export function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
