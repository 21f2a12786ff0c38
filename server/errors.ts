import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Every refusal the server makes is an AppError of one kind. `app.onError` maps
 * it to an HTTP status and the `{ error: { code, message } }` body.
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

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Record<string, string>;
  /** The offending field, for invalid_input. */
  readonly field: string | undefined;
  /** The body's `code`: the kind, or a narrower code the client translates (e.g. `snapshot_limit`). */
  readonly code: string;
  /** Parameters of the code, sent beside it in the body (e.g. `{ limit: 50 }`). */
  readonly params: Readonly<Record<string, string | number>>;

  constructor(
    kind: ErrorKind,
    message: string,
    opts: { headers?: Record<string, string>; field?: string; code?: string; params?: Readonly<Record<string, string | number>> } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.headers = opts.headers ?? {};
    this.field = opts.field;
    this.code = opts.code ?? kind;
    this.params = opts.params ?? {};
  }

  get status(): ContentfulStatusCode {
    return errorKinds[this.kind].status;
  }
}

export const invalid = (message: string, field?: string) => new AppError('invalid_input', message, field === undefined ? {} : { field });
export const unauthenticated = (message = 'Sign in to continue') => new AppError('unauthenticated', message);
export const forbidden = (message = 'You are not allowed to do that') => new AppError('forbidden', message);
export const notFound = (what = 'Resource') => new AppError('not_found', `${what} not found`);
export const conflict = (message: string) => new AppError('conflict', message);
/** A refusal told by a code and its parameters only (no prose: the client translates the code); its message is the code. */
export const refusal = (kind: ErrorKind, code: string, params: Readonly<Record<string, string | number>>, headers: Record<string, string> = {}) =>
  new AppError(kind, code, { code, params, headers });
