/** A country's flag as regional-indicator letters ("IT" → 🇮🇹); empty for anything else. */
export function flagOf(country: string): string {
  const cc = country.toUpperCase();
  if (!/^[A-Z]{2}$/.test(cc)) return '';
  return String.fromCodePoint(...[...cc].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}
