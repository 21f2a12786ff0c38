/**
 * Every code the server may put in an error body (`{ error: { code, params } }`),
 * defined once. The client renders each through the catalogue key
 * `error.code.<code>` with the params (ICU), and a test fails when a code has
 * no message in some language. Add a code here when you add a refusal.
 */
export const errorCodes = [
  // By kind (the HTTP status), when nothing narrower applies.
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'too_many_requests',
  'unsupported_media_type',
  'internal',
  // Narrower refusals.
  'snapshot_limit',
  'snapshot_size_limit',
  'snapshot_not_manual',
  'export_busy',
  'snapshot_busy',
  'history_busy',
  'pending_invitations_limit',
  'proposals_limit',
  'open_threads_limit',
  'thread_comments_limit',
  'no_session',
  'too_many_sockets',
  'server_full',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export function isErrorCode(code: string): code is ErrorCode {
  return (errorCodes as readonly string[]).includes(code);
}
