import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

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

/**
 * The Twinpad extension of the y-websocket protocol. Our client offers this WebSocket
 * subprotocol and the server accepts it; a stock y-websocket client offers none and
 * speaks exactly the stock protocol (it never receives the frames below).
 */
export const twinpadSubprotocol = 'twinpad.1';

/**
 * Top-level message types the server sends ONLY to sockets that negotiated
 * `twinpadSubprotocol`; numbers the stock protocol does not use. A client never
 * sends them (the server closes it with `protocolError`). Each frame is the type,
 * then one varUint.
 */
export const extensionMessageType = {
  /**
   * The cumulative count of content frames (sync step 2 and update) this socket sent
   * that the server has handled and made durable (committed, or with nothing to
   * store). Sent after the commit, at most once per socket per commit batch.
   */
  ack: 100,
  /** Nothing else was sent to the socket for `limits.keepaliveMs`: the link is alive. Payload 0. */
  keepalive: 101,
  /**
   * The socket's access (`accessCode`), sent before the server's first sync step 1 and
   * whenever it changes. An upgrade to read-write is followed by a new sync step 1.
   */
  access: 102,
} as const;
export type ExtensionMessageType = (typeof extensionMessageType)[keyof typeof extensionMessageType];

/** Payload of an access frame. */
export const accessCode = {
  readOnly: 0,
  readWrite: 1,
} as const;
export type AccessCode = (typeof accessCode)[keyof typeof accessCode];

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
  /** The update would nest the document deeper than `limits.maxDocumentDepth`. Final: the edit is dropped (nothing of it is stored). */
  documentTooDeep: 4414,
  /**
   * The socket did not read what was sent to it: more than `limits.maxUnsentBytesPerSocket`
   * waits unsent. The client reconnects (with backoff) and resyncs.
   */
  sendBacklog: 4009,
} as const;
export type CloseCode = (typeof closeCode)[keyof typeof closeCode];

/**
 * The reason a close frame (or a permission-denied auth message) carries: a code,
 * never a sentence. The client acts on the close code and translates it; the reason
 * says which rule was hit, for logs and for tests.
 */
export const closeReasons = [
  'edit_refused',
  'section_locked',
  'rights_changed',
  'session_ended',
  'not_member',
  'section_not_found',
  'section_repaired',
  'going_away',
  'load_failed',
  'storage_failed',
  'must_reload',
  'malformed_frame',
  'malformed_state_vector',
  'text_frame',
  'auth_from_client',
  'awareness_too_large',
  'awareness_not_json',
  'awareness_not_object',
  'document_too_large',
  'document_too_deep',
  'deletion_too_deep',
  'missing_dependencies',
  'too_much_pending',
  'inbox_full',
  'send_backlog',
  'too_many_messages',
  'too_many_sync_requests',
] as const;
export type CloseReason = (typeof closeReasons)[number];

/** The reason sent with a permission-denied auth message. */
export const permissionDeniedReason: CloseReason = 'edit_refused';

/** One extension frame as the server sends it (see `extensionMessageType`). */
export type ExtensionFrame =
  | { type: 'ack'; count: number }
  | { type: 'keepalive' }
  | { type: 'access'; access: AccessCode };

/** Encodes an extension frame: its type, then one varUint. */
export function encodeExtensionFrame(frame: ExtensionFrame): Uint8Array {
  const e = encoding.createEncoder();
  switch (frame.type) {
    case 'ack':
      encoding.writeVarUint(e, extensionMessageType.ack);
      encoding.writeVarUint(e, frame.count);
      break;
    case 'keepalive':
      encoding.writeVarUint(e, extensionMessageType.keepalive);
      encoding.writeVarUint(e, 0);
      break;
    case 'access':
      encoding.writeVarUint(e, extensionMessageType.access);
      encoding.writeVarUint(e, frame.access);
      break;
    default: {
      const never: never = frame;
      throw new Error(`unknown extension frame ${String(never)}`);
    }
  }
  return encoding.toUint8Array(e);
}

/**
 * Reads the rest of an extension frame whose top-level `type` was already read
 * (y-websocket's message handlers get the decoder past it). Null for another type
 * or a malformed payload.
 */
export function readExtensionFrame(type: number, decoder: decoding.Decoder): ExtensionFrame | null {
  try {
    const value = decoding.readVarUint(decoder);
    switch (type) {
      case extensionMessageType.ack:
        return { type: 'ack', count: value };
      case extensionMessageType.keepalive:
        return { type: 'keepalive' };
      case extensionMessageType.access:
        if (value === accessCode.readOnly || value === accessCode.readWrite) return { type: 'access', access: value };
        return null;
      default:
        return null;
    }
  } catch {
    return null;
  }
}
