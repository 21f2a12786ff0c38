import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { localeTags, translate, type MessageKey, type MessageParams } from '../shared/i18n';
import type { Locale } from '../shared/schemas';

export interface I18n {
  locale: Locale;
  t(key: MessageKey, params?: MessageParams): string;
  /** A calendar date (YYYY-MM-DD or ISO) in the interface language. */
  date(value: string): string;
  number(value: number): string;
  percent(score0to100: number): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo<I18n>(() => {
    const tag = localeTags[locale];
    const dateFmt = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    const numFmt = new Intl.NumberFormat(tag);
    const pctFmt = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
    return {
      locale,
      t: (key, params) => translate(locale, key, params),
      date: (v) => {
        const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
        return Number.isNaN(d.getTime()) ? v : dateFmt.format(d);
      },
      number: (n) => numFmt.format(n),
      percent: (s) => pctFmt.format(s / 100),
    };
  }, [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

/** Shorthand for components that only need `t`. */
export function useT(): I18n['t'] {
  const { t } = useI18n();
  return useCallback<I18n['t']>((key, params) => t(key, params), [t]);
}
