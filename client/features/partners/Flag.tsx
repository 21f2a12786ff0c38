import { useI18n } from '../../i18n';

/**
 * A partner's country as a small badge with its ISO code ("IT"), named in the
 * interface language. Flag emoji are not drawn on Windows or many Linux setups,
 * so the code is the portable mark.
 */
export function Flag({ country }: { country: string }) {
  const { locale } = useI18n();
  const code = country.toUpperCase();
  let name = code;
  try {
    name = new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    /* not a region code: show it as is */
  }
  return (
    <abbr className={`flag flag--${code.toLowerCase()}`} title={name} aria-label={name}>
      {code}
    </abbr>
  );
}
