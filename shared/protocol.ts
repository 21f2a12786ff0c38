/**
 * The y-websocket wire protocol as Twinpad speaks it, and our close codes.
 *
 * The stock y-websocket 3 client treats close codes 4400–4499 as final: it stops
 * reconnecting and emits `closed`. Every other code makes it reconnect with backoff.
 */

/** Top-level message types of the y-websocket protocol (first varUint of a frame). */
export const messageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const;
export type MessageType = (typeof messageType)[keyof typeof messageType];

/** Sub-types of a sync message (y-protocols/sync). */
export const syncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;
export type SyncMessageType = (typeof syncMessageType)[keyof typeof syncMessageType];

/** Sub-types of an auth message (y-protocols/auth). */
export const authMessageType = {
  permissionDenied: 0,
} as const;

export const closeCode = {
  /** The server is shutting down or restarting. The client reconnects. */
  goingAway: 1001,
  /** A frame was larger than `limits.maxPayloadBytes`. The client reconnects. */
  frameTooBig: 1009,
  /** The server failed unexpectedly. The client reconnects. */
  internalError: 1011,
  /** The socket sent more messages than its rate allows. The client reconnects later. */
  rateLimited: 4008,
  /** The user's rights on this section changed. The client reconnects and gets its new rights. */
  rightsChanged: 4001,
  /** A frame could not be decoded, or had an unknown type. Final. */
  protocolError: 4400,
  /** The session ended (logout, expiry, password change). Final: the client signs in again. */
  sessionEnded: 4401,
  /** An edit was refused: the socket is read-only. Final: the client drops its local copy, then reconnects read-only. */
  editRefused: 4403,
  /** The section was deleted or the user lost access to the proposal. Final. */
  notFound: 4404,
  /** The document would grow past `limits.maxDocBytes`. Final: the edit is dropped and the client resyncs. */
  documentTooLarge: 4413,
} as const;
export type CloseCode = (typeof closeCode)[keyof typeof closeCode];

/** Close codes the stock y-websocket client will not reconnect after. */
export function isFinalCloseCode(code: number): boolean {
  return code >= 4400 && code <= 4499;
}

/** The reason text sent with a permission-denied auth message. */
export const permissionDeniedReason = 'read-only: you cannot edit this section';
