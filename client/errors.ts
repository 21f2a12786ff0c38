import { isErrorCode, type ErrorCode } from '../shared/error-codes';
import { catalogues, type MessageKey, type MessageParams } from '../shared/i18n';
import { ApiError } from './api';
import type { I18n } from './i18n';

/**
 * The ONE place where a server refusal becomes a sentence (SEC29, I18N6): the
 * body's code is rendered as the catalogue message `error.code.<code>` with its
 * parameters (ICU: plurals and numbers in the interface language). The server
 * sends no prose. A code the client does not know reads as its HTTP status's
 * kind, else as a generic translated sentence.
 */

/** What errorText needs of the interface language. */
export type ErrorI18n = Pick<I18n, 't' | 'locale' | 'number'>;

const mib = 1024 * 1024;

/** A number parameter of the refusal (0 when absent or not a number). */
function numberParam(err: ApiError, name: string): number {
  const v = err.params[name];
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

/** The refusal's string and number parameters (lists are left out: no message shows them). */
function plainParams(err: ApiError): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(err.params)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  return out;
}

/** A byte count in MiB, one decimal at most (ICU formats it in the language). */
function inMiB(bytes: number): number {
  return Math.round((bytes / mib) * 10) / 10;
}

/** "Try again in N seconds" or, past two minutes, "in N minutes" (rounded up); no wait known reads as "a moment". */
function waitParams(seconds: number): MessageParams {
  if (seconds <= 0) return { unit: 'unknown', count: 0 };
  if (seconds <= 120) return { unit: 'seconds', count: Math.ceil(seconds) };
  return { unit: 'minutes', count: Math.ceil(seconds / 60) };
}

/** A status token (`drafting`) as the interface language names it. */
function statusName(i18n: ErrorI18n, status: string | number | undefined): string {
  const key = `status.${String(status)}`;
  return key in catalogues[i18n.locale] ? i18n.t(key as MessageKey) : String(status);
}

/** The parameters a code's message reads: the server's, with a few derived in the interface language. */
function paramsFor(code: ErrorCode, err: ApiError, i18n: ErrorI18n): MessageParams {
  const params = plainParams(err);
  switch (code) {
    case 'too_many_requests':
      return waitParams(numberParam(err, 'retryAfter'));
    case 'snapshot_size_limit':
      return { limit: inMiB(numberParam(err, 'limit')), used: inMiB(numberParam(err, 'used')), size: inMiB(numberParam(err, 'size')) };
    case 'invalid_input':
      return { ...params, field: err.field ?? (typeof params.field === 'string' ? params.field : 'none') };
    case 'status_transition':
      return { from: statusName(i18n, params.from), to: statusName(i18n, params.to) };
    default:
      return params;
  }
}

/** The message key of a code, when the catalogue has it. */
function codeKey(code: string): MessageKey | null {
  const key = `error.code.${code}`;
  return key in catalogues.en ? (key as MessageKey) : null;
}

/** The kind (by HTTP status) of a refusal whose code the client does not know. */
function codeForStatus(status: number): ErrorCode | null {
  switch (status) {
    case 400:
      return 'invalid_input';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    default:
      return null;
  }
}

/** Any error as the member reads it, in the interface language. */
export function errorText(err: unknown, i18n: ErrorI18n): string {
  if (!(err instanceof ApiError)) return i18n.t('error.generic');
  if (err.code === 'network') return i18n.t('error.network');
  const known = isErrorCode(err.code) ? codeKey(err.code) : null;
  if (known !== null && isErrorCode(err.code)) return i18n.t(known, paramsFor(err.code, err, i18n));
  if (err.status === 429 || err.status === 503) return i18n.t('error.busy');
  const kind = codeForStatus(err.status);
  const kindKey = kind === null ? null : codeKey(kind);
  if (kind !== null && kindKey !== null) return i18n.t(kindKey, kind === 'invalid_input' ? { field: 'none' } : {});
  return i18n.t('error.generic');
}
