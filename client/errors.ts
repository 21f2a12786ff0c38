import type { MessageKey } from '../shared/i18n';
import { ApiError } from './api';
import type { I18n } from './i18n';

/**
 * The ONE place where a server refusal becomes a sentence (SEC29): its code and
 * parameters are translated; the server's own `message` is never shown. A code
 * the client does not know reads as its kind (by HTTP status), else as a
 * generic translated sentence.
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

/** `key.one` or `key.other` for `count` in the interface language. */
function plural(i18n: ErrorI18n, keys: { one: MessageKey; other: MessageKey }, count: number): string {
  const rule = new Intl.PluralRules(i18n.locale).select(count);
  return i18n.t(rule === 'one' ? keys.one : keys.other, { count: i18n.number(count) });
}

/** "Try again in N seconds" or, past two minutes, "in N minutes" (rounded up). */
function waitText(i18n: ErrorI18n, seconds: number): string {
  if (seconds <= 0) return i18n.t('auth.tooManyAttempts');
  if (seconds <= 120) return plural(i18n, { one: 'error.wait.seconds.one', other: 'error.wait.seconds.other' }, Math.ceil(seconds));
  return plural(i18n, { one: 'error.wait.minutes.one', other: 'error.wait.minutes.other' }, Math.ceil(seconds / 60));
}

/** A byte count in MiB, one decimal at most. */
function inMiB(i18n: ErrorI18n, bytes: number): string {
  return i18n.number(Math.round((bytes / mib) * 10) / 10);
}

/** The sentence for a code the client knows; null for any other. */
function codeText(err: ApiError, i18n: ErrorI18n): string | null {
  const { t } = i18n;
  const limit = () => i18n.number(numberParam(err, 'limit'));
  switch (err.code) {
    case 'snapshot_limit':
      return t('error.snapshotLimit', { limit: limit() });
    case 'snapshot_size_limit':
      return t('error.snapshotSizeLimit', {
        limit: inMiB(i18n, numberParam(err, 'limit')),
        used: inMiB(i18n, numberParam(err, 'used')),
        size: inMiB(i18n, numberParam(err, 'size')),
      });
    case 'snapshot_not_manual':
      return t('error.snapshotNotManual');
    case 'export_busy':
      return t('error.exportBusy');
    case 'snapshot_busy':
      return t('error.snapshotBusy');
    case 'history_busy':
      return t('error.historyBusy');
    case 'pending_invitations_limit':
      return t('error.pendingInvitationsLimit', { limit: limit() });
    case 'proposals_limit':
      return t('error.proposalsLimit', { limit: limit() });
    case 'open_threads_limit':
      return t('comments.openThreadsLimit', { limit: limit() });
    case 'thread_comments_limit':
      return t('comments.threadCommentsLimit', { limit: limit() });
    case 'too_many_requests':
      return waitText(i18n, numberParam(err, 'retryAfter'));
    case 'invalid_input':
      return err.field ? t('error.invalidField', { field: err.field }) : t('error.invalidInput');
    case 'payload_too_large':
      return t('error.payloadTooLarge');
    case 'unsupported_media_type':
      return t('error.unsupportedMediaType');
    case 'unauthenticated':
      return t('auth.sessionEnded');
    case 'forbidden':
      return t('error.forbidden');
    case 'not_found':
      return t('error.notFound');
    case 'conflict':
      return t('error.conflict');
    case 'network':
      return t('error.network');
    default:
      return null;
  }
}

/** The sentence for an HTTP status whose code the client does not know; null for other statuses. */
function statusText(status: number, i18n: ErrorI18n): string | null {
  const { t } = i18n;
  switch (status) {
    case 400:
      return t('error.invalidInput');
    case 401:
      return t('auth.sessionEnded');
    case 403:
      return t('error.forbidden');
    case 404:
      return t('error.notFound');
    case 409:
      return t('error.conflict');
    case 413:
      return t('error.payloadTooLarge');
    case 415:
      return t('error.unsupportedMediaType');
    case 429:
    case 503:
      return t('error.busy');
    default:
      return null;
  }
}

/** Any error as the member reads it, in the interface language. */
export function errorText(err: unknown, i18n: ErrorI18n): string {
  if (err instanceof ApiError) return codeText(err, i18n) ?? statusText(err.status, i18n) ?? i18n.t('error.generic');
  return i18n.t('error.generic');
}
