import { describe, expect, it } from 'vitest';
import { parseEmailList } from '../../shared/email-list';

describe('parseEmailList (TEAM5)', () => {
  it('TEAM5: commas, semicolons and line breaks separate entries; blank entries vanish', () => {
    const list = parseEmailList('a@x.it, b@x.it;c@x.it\n\nd@x.it\r\ne@x.it,;\n');
    expect(list.addresses).toEqual(['a@x.it', 'b@x.it', 'c@x.it', 'd@x.it', 'e@x.it']);
    expect(list.entries).toHaveLength(5);
    expect(list.invalid).toEqual([]);
  });

  it('TEAM5: "Name <addr>", quoted names with commas, an unquoted "Last, First <addr>" and mailto: give the address', () => {
    const list = parseEmailList(
      'Anna Bianchi <anna@bo.it>, "Rossi, Mario" <mario@bo.it>; Lindqvist, Linnea <linnea@lulea.se>\nmailto:paolo@bo.it\n<bare@bo.it>',
    );
    expect(list.addresses).toEqual(['anna@bo.it', 'mario@bo.it', 'linnea@lulea.se', 'paolo@bo.it', 'bare@bo.it']);
    expect(list.entries.map((e) => e.raw)).toEqual([
      'Anna Bianchi <anna@bo.it>',
      '"Rossi, Mario" <mario@bo.it>',
      'Lindqvist, Linnea <linnea@lulea.se>',
      'mailto:paolo@bo.it',
      '<bare@bo.it>',
    ]);
  });

  it('TEAM5: bare addresses separated by spaces or tabs are separate entries', () => {
    expect(parseEmailList('a@x.it b@x.it\tc@x.it').addresses).toEqual(['a@x.it', 'b@x.it', 'c@x.it']);
  });

  it('TEAM5: repeats merge case-insensitively, keeping the first; their indexes are reported', () => {
    const list = parseEmailList(['Giulia@Example.it', 'x@y.it, giulia@example.IT', 'GIULIA@EXAMPLE.IT']);
    expect(list.addresses).toEqual(['giulia@example.it', 'x@y.it']);
    expect(list.duplicates).toEqual([2, 3]);
  });

  it('TEAM5: entries that are not addresses are reported by index, never dropped silently', () => {
    const list = parseEmailList('ok@x.it, not an address, @x.it; y@; Name <broken>; fine@x.it');
    expect(list.invalid).toEqual([1, 2, 3, 4]);
    expect(list.entries[1]).toEqual({ index: 1, raw: 'not an address', email: null });
    expect(list.addresses).toEqual(['ok@x.it', 'fine@x.it']);
  });

  it('TEAM5: a name piece followed by a bare address stays an invalid entry of its own', () => {
    const list = parseEmailList('Mario Rossi, mario@x.it');
    expect(list.invalid).toEqual([0]);
    expect(list.addresses).toEqual(['mario@x.it']);
  });

  it('TEAM5: an address longer than the e-mail limit (254) is invalid', () => {
    const local = 'a'.repeat(64);
    const long = `${local}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.it`;
    expect(long.length).toBeGreaterThan(254);
    expect(parseEmailList(long).invalid).toEqual([0]);
  });

  it('TEAM5: empty input is an empty list', () => {
    expect(parseEmailList('')).toEqual({ entries: [], addresses: [], invalid: [], duplicates: [] });
    expect(parseEmailList([])).toEqual({ entries: [], addresses: [], invalid: [], duplicates: [] });
  });
});
