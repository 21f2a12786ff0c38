import { describe, expect, it } from 'vitest';
import { ApiError } from '../../client/api';
import { errorText, type ErrorI18n } from '../../client/errors';
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
    expect(errorText(refusal(400, 'invalid_input', {}, 'title'), en)).toContain('title');
    expect(errorText(refusal(400, 'invalid_input'), en)).toBe(translate('en', 'error.invalidInput'));
  });

  it('SEC29 an unknown code reads as its status (403, 404, 409, 413, 415, 429, 503), else as the generic sentence', () => {
    expect(errorText(refusal(403, 'some_new_code'), en)).toBe(translate('en', 'error.forbidden'));
    expect(errorText(refusal(404, 'some_new_code'), en)).toBe(translate('en', 'error.notFound'));
    expect(errorText(refusal(409, 'some_new_code'), en)).toBe(translate('en', 'error.conflict'));
    expect(errorText(refusal(413, 'some_new_code'), en)).toBe(translate('en', 'error.payloadTooLarge'));
    expect(errorText(refusal(415, 'some_new_code'), en)).toBe(translate('en', 'error.unsupportedMediaType'));
    expect(errorText(refusal(429, 'too_many_sockets'), en)).toBe(translate('en', 'error.busy'));
    expect(errorText(refusal(503, 'server_full'), en)).toBe(translate('en', 'error.busy'));
    expect(errorText(refusal(500, 'internal'), en)).toBe(translate('en', 'error.generic'));
    expect(errorText(new Error(SERVER_MESSAGE), en)).toBe(translate('en', 'error.generic'));
    expect(errorText(new ApiError(0, 'network', 'Failed to fetch'), en)).toBe(translate('en', 'error.network'));
  });
});
