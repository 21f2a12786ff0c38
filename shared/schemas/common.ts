import { z } from 'zod';
import { isCountryCode } from '../countries';

/** A refusal's parameters: counts, limits and machine tokens, never a sentence (I18N6). */
export const errorParamsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())]));

/**
 * Every API error body: `{ error: { code, params, field? } }`; the code is one of
 * shared/error-codes.ts and the client renders it as `error.code.<code>` (I18N6).
 */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), params: errorParamsSchema.default({}), field: z.string().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Ids are UUIDs; anything else in a path is a 400 before any query runs. */
export const idSchema = z.uuid({ message: 'must be a UUID' });

export const roleSchema = z.enum(['coordinator', 'editor', 'reviewer']);
export type Role = z.infer<typeof roleSchema>;

export const sectionStatusSchema = z.enum([
  'not_started',
  'drafting',
  'ready_for_review',
  'in_review',
  'changes_requested',
  'approved',
  'final',
]);
export type SectionStatus = z.infer<typeof sectionStatusSchema>;

export const localeSchema = z.enum(['en', 'it', 'sv', 'es', 'fi']);
export type Locale = z.infer<typeof localeSchema>;

/**
 * A country a partner may have: an officially assigned ISO 3166-1 alpha-2 code, or XK
 * (shared/countries.ts), in any case; stored upper case. Only input is checked:
 * responses keep whatever an older row holds.
 */
export const countrySchema = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().refine(isCountryCode, 'must be an ISO 3166 alpha-2 country code'));

// ---------------------------------------------------------------- user text

/**
 * Bidirectional controls: the embeddings and overrides U+202A..U+202E, the isolates
 * U+2066..U+2069 and the marks U+200E, U+200F and U+061C. In a name shown inside a
 * sentence ("Ana renamed …"), an unclosed override reorders the text around it.
 */
const bidiControls = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** C0 controls (tab and newline included), DEL and C1 controls: none belongs on one line. */
const lineControls = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, less tab and newline (CR is folded into newline first). */
const multilineControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag: code units). */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a string is not text we store, or null. NUL and lone surrogates first: Postgres
 * refuses NUL in text and jsonb and a lone surrogate in jsonb (that was a 500), and
 * text would silently turn a lone surrogate into U+FFFD.
 */
export function badTextReason(s: string, kind: 'line' | 'multiline'): string | null {
  if (s.includes('\u0000')) return 'must not contain NUL';
  if (loneSurrogate.test(s)) return 'must not contain a lone surrogate';
  if ((kind === 'line' ? lineControls : multilineControls).test(s)) return 'must not contain control characters';
  return null;
}

/** Removes bidirectional controls (see `bidiControls`). */
export const stripBidi = (s: string): string => s.replace(bidiControls, '');

const checked = (kind: 'line' | 'multiline') =>
  z.string().superRefine((s, ctx) => {
    const reason = badTextReason(s, kind);
    if (reason !== null) ctx.addIssue({ code: 'custom', message: reason });
  });

/**
 * One line of user text that others see: titles and names. No control characters at
 * all; bidi controls are stripped (so a pasted name still works), then it is trimmed.
 * `max` counts code points (zod's string limits do), so 😀 is one character, as Postgres counts it;
 * the client's `maxLength` counts UTF-16 units, so it is never more lenient than this.
 */
export const lineTextSchema = (max: number) =>
  checked('line')
    .transform((s) => stripBidi(s).trim())
    .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));

/** Like `lineTextSchema` but may be empty (optional labels and ids such as a theme). */
export const optionalLineTextSchema = (max: number) =>
  checked('line')
    .transform((s) => stripBidi(s).trim())
    .pipe(z.string().max(max, `must be at most ${max} characters`));

/**
 * Several lines of user text: comments and reasons. Tab and newline are kept (CRLF and
 * CR become LF); bidi controls are kept too, since right-to-left writers need them and
 * the text is shown in a block of its own. Trimmed; `max` counts code points.
 */
export const multilineTextSchema = (max: number) =>
  checked('multiline')
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));

/**
 * Text quoted from a section for a comment's anchor: the client cuts it at a length, which
 * may split a surrogate pair, and it is only shown, so lone surrogates become U+FFFD and
 * NUL is dropped rather than refusing the comment.
 */
export const quoteTextSchema = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .transform((s) => s.replace(/\u0000/g, '').replace(new RegExp(loneSurrogate.source, 'g'), '\ufffd'));
