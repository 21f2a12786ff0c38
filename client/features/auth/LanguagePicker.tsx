import { useId } from 'react';
import { useI18n } from '../../i18n';
import { localeNames } from '../../../shared/i18n';
import { localeSchema } from '../../../shared/schemas';
import { useSession } from './session';

/** The interface language; stored on the user (PATCH /api/me) when signed in. */
export function LanguagePicker() {
  const { t, locale } = useI18n();
  const { setLocale } = useSession();
  const id = useId();
  return (
    <span className="language-picker">
      <label htmlFor={id}>{t('nav.language')}</label>
      <select
        id={id}
        data-testid="language-picker"
        value={locale}
        onChange={(e) => {
          const next = localeSchema.safeParse(e.target.value);
          if (next.success) void setLocale(next.data);
        }}
      >
        {localeSchema.options.map((l) => (
          <option key={l} value={l} lang={l}>
            {localeNames[l]}
          </option>
        ))}
      </select>
    </span>
  );
}
