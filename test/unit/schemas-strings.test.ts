import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { limits } from '../../shared/limits';
import { userNameSchema } from '../../shared/schemas/auth';
import { stripBidi } from '../../shared/schemas/common';
import { createProposalSchema, partnerInputSchema, updateSectionSchema } from '../../shared/schemas/domain';
import { createMeetingRequestSchema } from '../../shared/schemas/history';
import { anchorSchema, createCommentRequestSchema, createSnapshotRequestSchema } from '../../shared/schemas/review';

/**
 * SEC22: every user-text field, by kind. A field is read through the real request
 * schema it lives in, so a field that stops using the shared string schemas fails here.
 */
interface Field {
  name: string;
  kind: 'line' | 'multiline';
  max: number;
  /** Parses a request whose one text field is `value`; returns the stored value or the issue path. */
  parse(value: string): { ok: true; value: string } | { ok: false; path: string; message: string };
}

function field(name: string, kind: Field['kind'], max: number, schema: z.ZodType, wrap: (v: string) => unknown, read: (out: unknown) => string): Field {
  return {
    name,
    kind,
    max,
    parse(value) {
      const r = schema.safeParse(wrap(value));
      if (r.success) return { ok: true, value: read(r.data) };
      const issue = r.error.issues[0]!;
      return { ok: false, path: issue.path.join('.'), message: issue.message };
    },
  };
}

const lead = { name: 'A', town: 'B', country: 'IT' };
const at = (o: unknown, ...keys: string[]): string => keys.reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o) as string;

const fields: Field[] = [
  field('proposal title', 'line', limits.titleMaxChars, createProposalSchema, (title) => ({ title, leadPartner: lead }), (o) => at(o, 'title')),
  field('partner name', 'line', limits.nameMaxChars, partnerInputSchema, (name) => ({ ...lead, name }), (o) => at(o, 'name')),
  field('partner town', 'line', limits.nameMaxChars, partnerInputSchema, (town) => ({ ...lead, town }), (o) => at(o, 'town')),
  field('user name', 'line', limits.nameMaxChars, userNameSchema, (v) => v, (o) => o as string),
  field('snapshot name', 'line', limits.titleMaxChars, createSnapshotRequestSchema, (name) => ({ name }), (o) => at(o, 'name')),
  field('meeting name', 'line', limits.titleMaxChars, createMeetingRequestSchema, (name) => ({ name, city: 'Luleå', date: '2026-05-01' }), (o) => at(o, 'name')),
  field('meeting city', 'line', limits.nameMaxChars, createMeetingRequestSchema, (city) => ({ name: 'M', city, date: '2026-05-01' }), (o) => at(o, 'city')),
  field('comment body', 'multiline', limits.commentMaxChars, createCommentRequestSchema, (body) => ({ body }), (o) => at(o, 'body')),
  field('blocked reason', 'multiline', limits.reasonMaxChars, updateSectionSchema, (reason) => ({ blocked: { reason } }), (o) => at(o, 'blocked', 'reason')),
  field('not-applicable justification', 'multiline', limits.reasonMaxChars, updateSectionSchema, (justification) => ({ notApplicable: { justification } }), (o) => at(o, 'notApplicable', 'justification')),
  field('changes-requested reason', 'multiline', limits.reasonMaxChars, updateSectionSchema, (reason) => ({ reason }), (o) => at(o, 'reason')),
];

const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];

describe.each(fields)('SEC22 $name ($kind, at most $max)', (f) => {
  const refused = (value: string) => {
    const r = f.parse(value);
    expect(r.ok, `${JSON.stringify(value.slice(0, 40))} should be refused`).toBe(false);
    return r.ok ? '' : r.message;
  };
  const kept = (value: string) => {
    const r = f.parse(value);
    expect(r, JSON.stringify(value.slice(0, 40))).toMatchObject({ ok: true });
    return r.ok ? r.value : '';
  };

  it('SEC22 exactly the limit is kept, one character more is refused (ASCII)', () => {
    expect(kept('a'.repeat(f.max))).toBe('a'.repeat(f.max));
    expect(refused('a'.repeat(f.max + 1))).toMatch(/at most/);
  });

  it('SEC22 the limit counts code points: the limit in astral characters is kept, one more is refused', () => {
    expect(kept('😀'.repeat(f.max))).toBe('😀'.repeat(f.max));
    expect(refused(`${'😀'.repeat(f.max)}a`)).toMatch(/at most/);
  });

  it('SEC22 NUL is refused anywhere in the string', () => {
    for (const v of ['\u0000', 'a\u0000', '\u0000a', 'a\u0000b']) expect(refused(v)).toBe('must not contain NUL');
  });

  it('SEC22 lone high and low surrogates are refused; a pair is kept', () => {
    for (const v of ['\ud800', 'a\udbff', '\udc00a', 'a\udfffb', '\ude00\ud83d', '😀\ud800', '\ud83d\ud83d\ude00\ude00']) {
      expect(refused(v)).toBe('must not contain a lone surrogate');
    }
    expect(kept('a😀b')).toBe('a😀b');
    // At the limit with a lone surrogate in last place: refused for the surrogate, not the length.
    expect(refused(`${'😀'.repeat(f.max - 1)}\ud800`)).toBe('must not contain a lone surrogate');
  });

  it('SEC22 control characters: none on one line; tab and newline in several lines (CR folded into LF)', () => {
    for (const c of ['\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f']) expect(refused(`a${c}b`)).toMatch(/control/);
    if (f.kind === 'line') {
      for (const c of ['\t', '\n', '\r']) expect(refused(`a${c}b`)).toMatch(/control/);
    } else {
      expect(kept('a\tb\nc')).toBe('a\tb\nc');
      expect(kept('a\r\nb\rc')).toBe('a\nb\nc');
    }
  });

  it('SEC22 bidirectional controls: stripped on one line (and nothing else left is empty); kept in several lines', () => {
    const spoof = `Lule${bidi.join('')}å`;
    if (f.kind === 'line') {
      expect(kept(spoof)).toBe('Luleå');
      expect(kept(` \u202e${'a'.repeat(f.max)}\u202c `)).toBe('a'.repeat(f.max));
      expect(refused(bidi.join(''))).toMatch(/empty/);
    } else {
      expect(kept(spoof)).toBe(spoof);
    }
  });

  it('SEC22 blank is refused; surrounding spaces are trimmed', () => {
    expect(refused('   ')).toMatch(/empty/);
    expect(kept('  x  ')).toBe('x');
  });
});

describe('SEC22 other strings', () => {
  it('SEC22 stripBidi removes exactly the twelve bidi controls', () => {
    expect(stripBidi(`a${bidi.join('')}b\u200d\u200b`)).toBe('ab\u200d\u200b');
  });

  it('SEC22 a comment anchor quote is cut by the client and only shown: a lone surrogate becomes U+FFFD and NUL is dropped', () => {
    const r = anchorSchema.parse({ start: 'AA==', end: 'AA==', quote: `end of a cut 😀\ud83d\u0000` });
    expect(r.quote).toBe('end of a cut 😀\ufffd');
    expect(anchorSchema.safeParse({ start: 'AA==', end: 'AA==', quote: 'q'.repeat(limits.commentMaxChars + 1) }).success).toBe(false);
  });

  it('SEC22 a required-item key refuses NUL and lone surrogates', () => {
    expect(updateSectionSchema.safeParse({ itemsPresent: ['risk-table'] }).success).toBe(true);
    expect(updateSectionSchema.safeParse({ itemsPresent: ['risk\u0000'] }).success).toBe(false);
    expect(updateSectionSchema.safeParse({ itemsPresent: ['risk\ud800'] }).success).toBe(false);
  });

  it('SEC22 a template id or theme refuses NUL and lone surrogates, and may be empty as before', () => {
    expect(createProposalSchema.safeParse({ title: 'T', leadPartner: lead, theme: '' }).success).toBe(true);
    expect(createProposalSchema.safeParse({ title: 'T', leadPartner: lead, theme: 'x\u0000' }).success).toBe(false);
    expect(createProposalSchema.safeParse({ title: 'T', leadPartner: lead, templateId: 'x\udc00' }).success).toBe(false);
  });
});
