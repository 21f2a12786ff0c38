/**
 * Countries as ISO 3166-1 alpha-2 codes (pure data, shared by the server's schema
 * and the client's picker). Names are never stored: the reader's language names
 * each code through `Intl.DisplayNames`.
 */

/** The 249 officially assigned ISO 3166-1 alpha-2 codes. */
export const iso3166Alpha2 = [
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ',
  'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BV', 'BW', 'BY', 'BZ',
  'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ',
  'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ',
  'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET',
  'FI', 'FJ', 'FK', 'FM', 'FO', 'FR',
  'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT', 'GU', 'GW', 'GY',
  'HK', 'HM', 'HN', 'HR', 'HT', 'HU',
  'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT',
  'JE', 'JM', 'JO', 'JP',
  'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ',
  'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY',
  'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ',
  'NA', 'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ',
  'OM',
  'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM', 'PN', 'PR', 'PS', 'PT', 'PW', 'PY',
  'QA',
  'RE', 'RO', 'RS', 'RU', 'RW',
  'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ',
  'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ',
  'UA', 'UG', 'UM', 'US', 'UY', 'UZ',
  'VA', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU',
  'WF', 'WS',
  'YE', 'YT',
  'ZA', 'ZM', 'ZW',
] as const;

/**
 * Kosovo's code: user-assigned in ISO 3166, but the European Commission (and CLDR,
 * so `Intl.DisplayNames`) use it, and a Kosovar partner of an EU call needs it.
 */
export const kosovo = 'XK';

/** Every code a partner's country may take: the official ones plus XK. */
export const countryCodes: readonly string[] = [...iso3166Alpha2, kosovo];

const known = new Set<string>(countryCodes);

/** Whether `code` (upper case) is a country a partner may have. */
export function isCountryCode(code: string): boolean {
  return known.has(code);
}

/** Folds case, accents and punctuation away: "Côte d’Ivoire" and "cote d ivoire" compare equal. */
export function foldName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface CountryOption {
  code: string;
  name: string;
}

/** Every country with its name in `locale`, sorted by that name in that locale. */
export function countryOptions(locale: string): CountryOption[] {
  const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
  const collator = new Intl.Collator(locale);
  return countryCodes.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) => collator.compare(a.name, b.name));
}

/**
 * The countries a typed text may mean, best first: the code itself ("ee"), then names
 * that start with the text, then names with a word that does ("Bosnia" for "herz").
 * Accents and case are ignored. A candidate is only offered: nothing here turns text
 * into a code (see `exactCountry`).
 */
export function countryCandidates(query: string, options: readonly CountryOption[], limit = 12): CountryOption[] {
  const q = foldName(query);
  if (q === '') return options.slice(0, limit);
  const code: CountryOption[] = [];
  const prefix: CountryOption[] = [];
  const word: CountryOption[] = [];
  for (const o of options) {
    const name = foldName(o.name);
    if (o.code.toLowerCase() === q) code.push(o);
    else if (name.startsWith(q)) prefix.push(o);
    else if (name.split(' ').some((w) => w.startsWith(q))) word.push(o);
  }
  return [...code, ...prefix, ...word].slice(0, limit);
}

/**
 * The code whose name is exactly `text` (ignoring accents, case and punctuation), when
 * exactly one country has that name; null otherwise. "Estonia" is EE; "Est", "Es" and
 * "Estonia!!x" are nothing: text is never cut down into a code.
 */
export function exactCountry(text: string, options: readonly CountryOption[]): string | null {
  const q = foldName(text);
  if (q === '') return null;
  const hits = options.filter((o) => foldName(o.name) === q);
  return hits.length === 1 && hits[0] ? hits[0].code : null;
}
