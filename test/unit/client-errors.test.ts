import { describe, expect, it } from 'vitest';
import { ApiError } from '../../client/api';
import { errorText, type ErrorI18n } from '../../client/errors';
import { errorCodes } from '../../shared/error-codes';
import { localeTags, translate } from '../../shared/i18n';
import { limits } from '../../shared/limits';
import { localeSchema, type Locale } from '../../shared/schemas/common';

/** The interface language as client/i18n.tsx builds it, without React. */
function i18nFor(locale: Locale): ErrorI18n {
  const numFmt = new Intl.NumberFormat(localeTags[locale]);
  return { locale, t: (key, params) => translate(locale, key, params), number: (n) => numFmt.format(n) };
}

const en = i18nFor('en');
const SERVER_MESSAGE = 'An English sentence from the server';
const refusal = (status: number, code: string, params: Record<string, string | number> = {}, field?: string) =>
  new ApiError(status, code, SERVER_MESSAGE, field, params);

/** Every refusal code SEC29 translates, with the parameters the server sends. */
const known: readonly ApiError[] = [
  refusal(413, 'snapshot_limit', { limit: limits.maxSnapshotsPerProposal }),
  refusal(413, 'snapshot_size_limit', { limit: limits.maxSnapshotBytesPerProposal, used: 60 * 1024 * 1024, size: 5 * 1024 * 1024 }),
  refusal(409, 'snapshot_not_manual', { kind: 'approval' }),
  refusal(429, 'export_busy', { limit: limits.maxExportsAtOnce }),
  refusal(429, 'snapshot_busy', { limit: limits.maxSnapshotJobsAtOnce }),
  refusal(429, 'history_busy', { limit: limits.maxHistoryJobsAtOnce }),
  refusal(409, 'pending_invitations_limit', { limit: 100 }),
  refusal(409, 'proposals_limit', { limit: 1000 }),
  refusal(409, 'open_threads_limit', { limit: 200 }),
  refusal(409, 'thread_comments_limit', { limit: 100 }),
  refusal(429, 'too_many_requests', { retryAfter: 8 }),
  refusal(400, 'invalid_input', {}, 'title'),
  refusal(413, 'payload_too_large'),
  refusal(415, 'unsupported_media_type'),
  refusal(403, 'forbidden'),
  refusal(404, 'not_found'),
  refusal(409, 'conflict'),
];

describe('SEC29 errorText: refusal codes as translated sentences', () => {
  for (const locale of localeSchema.options) {
    it(`SEC29 (${locale}) every known code has its own sentence, never the server's message nor a leftover placeholder`, () => {
      const i18n = i18nFor(locale);
      const generic = translate(locale, 'error.generic');
      const texts = known.map((err) => errorText(err, i18n));
      for (const [i, text] of texts.entries()) {
        expect(text, known[i]?.code).not.toContain(SERVER_MESSAGE);
        expect(text, known[i]?.code).not.toMatch(/\{\w+\}/);
        expect(text, known[i]?.code).not.toBe(generic);
      }
      expect(new Set(texts).size).toBe(texts.length);
    });
  }

  it('SEC29 limits are shown with their number: 50 snapshots, 100 invitations, 1,000 proposals (in the language\'s digits)', () => {
    expect(errorText(known[0], en)).toContain('50');
    expect(errorText(known[6], en)).toContain('100');
    expect(errorText(known[7], en)).toContain('1,000');
    expect(errorText(known[7], i18nFor('fi'))).toContain(new Intl.NumberFormat('fi-FI').format(1000));
  });

  it('SEC29 snapshot_size_limit shows the limit, the bytes used and the new size in MiB', () => {
    const text = errorText(refusal(413, 'snapshot_size_limit', { limit: 67108864, used: 62914560, size: 5767168 }), en);
    expect(text).toContain('64 MiB');
    expect(text).toContain('60 MiB');
    expect(text).toContain('5.5 MiB');
  });

  it('SEC29 too_many_requests tells the wait: 1 second (singular), 8 seconds, 120 seconds, then whole minutes rounded up', () => {
    const wait = (retryAfter: number) => errorText(refusal(429, 'too_many_requests', { retryAfter }), en);
    expect(wait(1)).toBe('Too many attempts. Try again in 1 second.');
    expect(wait(8)).toBe('Too many attempts. Try again in 8 seconds.');
    expect(wait(120)).toBe('Too many attempts. Try again in 120 seconds.');
    expect(wait(121)).toBe('Too many attempts. Try again in 3 minutes.');
    expect(wait(300)).toBe('Too many attempts. Try again in 5 minutes.');
    expect(errorText(refusal(429, 'too_many_requests', { retryAfter: 1 }), i18nFor('it'))).toBe('Troppi tentativi. Riprova tra 1 secondo.');
    expect(errorText(refusal(429, 'too_many_requests', { retryAfter: 2 }), i18nFor('it'))).toBe('Troppi tentativi. Riprova tra 2 secondi.');
    // No retryAfter: the wait is not known, the sentence still says to wait.
    expect(errorText(refusal(429, 'too_many_requests'), en)).toBe(translate('en', 'auth.tooManyAttempts'));
  });

  it('SEC29 invalid_input names its field; without one it is a sentence about the input', () => {
    expect(errorText(refusal(400, 'invalid_input', { field: 'title', issue: 'too_big' }, 'title'), en)).toBe('The value of “title” is not accepted.');
    expect(errorText(refusal(400, 'invalid_input'), en)).toBe('Some of what you entered is not accepted. Check it and try again.');
  });

  it('SEC29 an unknown code reads as its status (403, 404, 409, 413, 415, 429, 503), else as the generic sentence', () => {
    expect(errorText(refusal(403, 'some_new_code'), en)).toBe(translate('en', 'error.code.forbidden'));
    expect(errorText(refusal(404, 'some_new_code'), en)).toBe(translate('en', 'error.code.not_found'));
    expect(errorText(refusal(409, 'some_new_code'), en)).toBe(translate('en', 'error.code.conflict'));
    expect(errorText(refusal(413, 'some_new_code'), en)).toBe(translate('en', 'error.code.payload_too_large'));
    expect(errorText(refusal(415, 'some_new_code'), en)).toBe(translate('en', 'error.code.unsupported_media_type'));
    expect(errorText(refusal(429, 'some_new_code'), en)).toBe(translate('en', 'error.busy'));
    expect(errorText(refusal(503, 'some_new_code'), en)).toBe(translate('en', 'error.busy'));
    expect(errorText(refusal(500, 'some_new_code'), en)).toBe(translate('en', 'error.generic'));
    expect(errorText(new Error(SERVER_MESSAGE), en)).toBe(translate('en', 'error.generic'));
    expect(errorText(new ApiError(0, 'network', 'Failed to fetch'), en)).toBe(translate('en', 'error.network'));
  });

  it('I18N6 every listed code renders its own message with its parameters in every language (no raw ICU, no leftover argument)', () => {
    const sample: Record<string, string | number> = { limit: 3, count: 2, retryAfter: 5, used: 1048576, size: 1048576, field: 'title', issue: 'too_big', from: 'drafting', to: 'final', change: 'removed', action: 'delete', item: 'x', what: 'proposal', kind: 'approval', status: 'approved', positions: '2, 5', indexes: '1,4', index: 4, pending: 1, adding: 1 };
    for (const locale of localeSchema.options) {
      const i18n = i18nFor(locale);
      for (const code of errorCodes) {
        const text = errorText(refusal(400, code, sample, 'title'), i18n);
        expect(text, `${locale} ${code}`).not.toMatch(/\{|\}/);
        expect(text, `${locale} ${code}`).not.toBe(translate(locale, 'error.generic'));
      }
    }
  });

  it('I18N6 plurals and derived parameters: a status transition names both statuses in the language; last coordinator says which change', () => {
    expect(errorText(refusal(409, 'status_transition', { from: 'drafting', to: 'final' }), i18nFor('it'))).toBe('Una sezione non può passare da “In stesura” a “Definitiva”.');
    expect(errorText(refusal(409, 'last_coordinator', { change: 'demoted' }), en)).toContain('cannot be demoted');
    expect(errorText(refusal(409, 'partner_owns_sections', { count: 1 }), i18nFor('fi'))).toContain('1 osion');
    expect(errorText(refusal(409, 'partner_owns_sections', { count: 3 }), i18nFor('fi'))).toContain('3 osiota');
  });
});
