import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../shared/error-codes';

/**
 * Every refusal the server makes is an AppError of one kind. `app.onError` maps
 * it to an HTTP status and the body `{ error: { code, params, field? } }`: a code
 * from shared/error-codes.ts and its parameters, never a sentence (I18N6). The
 * Error's own message is for the logs only.
 */
export const errorKinds = {
  invalid_input: { status: 400 },
  unauthenticated: { status: 401 },
  forbidden: { status: 403 },
  not_found: { status: 404 },
  conflict: { status: 409 },
  payload_too_large: { status: 413 },
  too_many_requests: { status: 429 },
} as const satisfies Record<string, { status: ContentfulStatusCode }>;

export type ErrorKind = keyof typeof errorKinds;

/** The parameters of a code: numbers (counts, limits) and machine tokens (field names, statuses) or lists of them, never prose. */
export type ErrorParams = Readonly<Record<string, string | number | readonly string[]>>;

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Record<string, string>;
  /** The offending field, for invalid_input and its narrower codes. */
  readonly field: string | undefined;
  /** The body's `code`: the kind, or a narrower code the client translates (e.g. `snapshot_limit`). */
  readonly code: ErrorCode;
  /** Parameters of the code, sent beside it in the body (e.g. `{ limit: 50 }`). */
  readonly params: ErrorParams;

  constructor(kind: ErrorKind, code: ErrorCode, opts: { headers?: Record<string, string>; field?: string; params?: ErrorParams; detail?: string } = {}) {
    super(opts.detail ?? code);
    this.name = 'AppError';
    this.kind = kind;
    this.headers = opts.headers ?? {};
    this.field = opts.field;
    this.code = code;
    this.params = opts.params ?? {};
  }

  get status(): ContentfulStatusCode {
    return errorKinds[this.kind].status;
  }
}

/**
 * A field the input schema cannot check: `issue` is a machine token (zod's issue
 * code, or ours such as `not_a_member`), sent as `params: { field, issue }`.
 */
export const invalid = (field: string, issue: string) => new AppError('invalid_input', 'invalid_input', { field, params: { field, issue } });
export const unauthenticated = () => new AppError('unauthenticated', 'unauthenticated');
/** 403; `detail` is for the logs only. */
export const forbidden = (detail?: string) => new AppError('forbidden', 'forbidden', detail === undefined ? {} : { detail });
/** 404 for `what` (`'Proposal'`, `'Snapshot section'`), sent as a token: `params: { what: 'proposal' }`. */
export const notFound = (what = 'Resource') => new AppError('not_found', 'not_found', { params: { what: what.toLowerCase().replace(/\s+/g, '_') } });
/** 409 with a narrower code: a workflow or state the request does not fit. */
export const conflict = (code: ErrorCode, params: ErrorParams = {}) => new AppError('conflict', code, { params });
/** A refusal told by a code and its parameters only (no prose: the client translates the code). */
export const refusal = (kind: ErrorKind, code: ErrorCode, params: ErrorParams, headers: Record<string, string> = {}, field?: string) =>
  new AppError(kind, code, field === undefined ? { params, headers } : { params, headers, field });
