import type { Locale } from '../schemas/common';

/**
 * A feature's messages in every interface language. English is the source: the
 * other four must carry exactly its keys (a type error otherwise, and I18N tests).
 * Messages are ICU MessageFormat: `{name}` placeholders and
 * `{count, plural, one {# item} other {# items}}` plurals.
 */
export type FeatureMessages<K extends string> = { readonly [L in Locale]: Readonly<Record<K, string>> };

export function defineMessages<const E extends Record<string, string>>(
  en: E,
  others: { readonly [L in Exclude<Locale, 'en'>]: Readonly<Record<keyof E & string, string>> },
): FeatureMessages<keyof E & string> {
  return { en, ...others };
}

/** The keys of a feature module. */
export type KeysOf<M> = M extends FeatureMessages<infer K> ? K : never;
