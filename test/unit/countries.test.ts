import { describe, expect, it } from 'vitest';
import { countryCandidates, countryCodes, countryOptions, exactCountry, foldName, iso3166Alpha2, isCountryCode } from '../../shared/countries';
import { countrySchema } from '../../shared/schemas/common';
import { partnerInputSchema } from '../../shared/schemas/domain';

const codes = (list: { code: string }[]) => list.map((o) => o.code);

describe('CTRY1: the country list', () => {
  it('CTRY1: 249 officially assigned alpha-2 codes, upper case, no duplicates, plus XK', () => {
    expect(iso3166Alpha2).toHaveLength(249);
    expect(new Set(iso3166Alpha2).size).toBe(249);
    for (const c of iso3166Alpha2) expect(c).toMatch(/^[A-Z]{2}$/);
    expect([...iso3166Alpha2]).toEqual([...iso3166Alpha2].sort());
    expect(countryCodes).toHaveLength(250);
    expect(countryCodes).toContain('XK');
    for (const c of ['EE', 'ES', 'IT', 'FI', 'SE', 'GB', 'AX', 'SS', 'BQ']) expect(isCountryCode(c)).toBe(true);
    // Reserved or withdrawn codes, and the EU's own "EL"/"UK", are not ISO 3166-1 countries.
    for (const c of ['XX', 'UK', 'EL', 'EU', 'AN', 'YU', 'ZZ']) expect(isCountryCode(c)).toBe(false);
  });

  it('CTRY1: every code has a name of its own in English, Italian and Finnish (Intl.DisplayNames)', () => {
    for (const locale of ['en', 'it', 'fi']) {
      const names = new Intl.DisplayNames([locale], { type: 'region' });
      for (const c of countryCodes) expect(names.of(c), `${locale} ${c}`).not.toBe(c);
    }
    expect(countryOptions('it').find((o) => o.code === 'EE')?.name).toBe('Estonia');
    expect(countryOptions('it').find((o) => o.code === 'DE')?.name).toBe('Germania');
    expect(countryOptions('fi').find((o) => o.code === 'EE')?.name).toBe('Viro');
    expect(countryOptions('fi').find((o) => o.code === 'SE')?.name).toBe('Ruotsi');
  });
});

describe('CTRY2: the country schema', () => {
  it('CTRY2: accepts every listed code, in any case, and stores it upper case', () => {
    for (const c of countryCodes) {
      expect(countrySchema.parse(c)).toBe(c);
      expect(countrySchema.parse(c.toLowerCase())).toBe(c);
    }
    expect(countrySchema.parse(' ee ')).toBe('EE');
  });

  it('CTRY2: refuses unknown codes and anything that is not a two-letter code', () => {
    for (const bad of ['XX', 'xx', 'ES-', 'EST', 'Estonia', 'E', '', 'E1', 'UK', 'ÉS']) {
      expect(countrySchema.safeParse(bad).success, bad).toBe(false);
    }
    expect(partnerInputSchema.safeParse({ name: 'Tartu', town: 'Tartu', country: 'XX' }).success).toBe(false);
    expect(partnerInputSchema.safeParse({ name: 'Tartu', town: 'Tartu', country: 'ee' }).data?.country).toBe('EE');
  });
});

describe('CTRY3: the picker never truncates text into a code', () => {
  const en = countryOptions('en');
  const es = countryOptions('es');
  const it_ = countryOptions('it');

  it('CTRY3: "Estonia" offers EE as a candidate, and only EE; it is never ES', () => {
    expect(codes(countryCandidates('Estonia', en))).toEqual(['EE']);
    expect(codes(countryCandidates('Estonia', it_))).toEqual(['EE']);
    expect(codes(countryCandidates('Estonia', en))).not.toContain('ES');
  });

  it('CTRY3: "Est" gives candidates but no country of its own', () => {
    expect(codes(countryCandidates('Est', en))).toContain('EE');
    expect(exactCountry('Est', en)).toBeNull();
    expect(exactCountry('Es', en)).toBeNull();
    expect(exactCountry('Estonia x', en)).toBeNull();
    expect(exactCountry('', en)).toBeNull();
  });

  it('CTRY3: an exact, unique name is a country (case and accents ignored)', () => {
    expect(exactCountry('Estonia', en)).toBe('EE');
    expect(exactCountry('estonia', it_)).toBe('EE');
    expect(exactCountry('Espana', es)).toBe('ES');
    expect(exactCountry('España', es)).toBe('ES');
    expect(exactCountry('Spain', en)).toBe('ES');
    expect(exactCountry('Spain', es)).toBeNull();
  });

  it('CTRY3: accent-insensitive type-ahead in the reader language, and the code itself', () => {
    expect(codes(countryCandidates('Espana', es))[0]).toBe('ES');
    expect(codes(countryCandidates('espa', es))).toContain('ES');
    expect(codes(countryCandidates('ee', en))[0]).toBe('EE');
    expect(codes(countryCandidates('Deutsch', it_))).toEqual([]);
    expect(codes(countryCandidates('Germ', it_))).toEqual(['DE']);
    // A word inside the name: "Herzegovina".
    expect(codes(countryCandidates('herz', en))).toEqual(['BA']);
    expect(countryCandidates('', en).length).toBeGreaterThan(0);
  });

  it('CTRY3: folding keeps letters of every script and drops punctuation', () => {
    expect(foldName('Côte d’Ivoire')).toBe('cote d ivoire');
    expect(foldName('  ÅLAND  ')).toBe('aland');
  });
});
