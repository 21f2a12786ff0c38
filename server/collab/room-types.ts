import type { CloseCode } from '../../shared/protocol';

/** The minimal socket a room talks to: the real `ws` socket or an in-memory test pair. */
export interface CollabSocket {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** Who a socket's awareness state says it is; stamped by the server, never taken from the client. */
export interface UserStamp {
  id: string;
  name: string;
  color: string;
  partnerId: string | null;
  partnerName: string | null;
  country: string | null;
}

export type Access = 'read-write' | 'read-only';

/** A connection as a room sees it. */
export interface RoomPeer {
  readonly socket: CollabSocket;
  readonly userId: string;
  readonly stamp: UserStamp;
  access: Access;
  /** The awareness client ID this socket announced first; it may set no other. */
  awarenessClientId: number | null;
  /**
   * The socket has sent its sync step 2 (its whole state the server lacked). Until
   * then its updates may depend on content still on the way (keystrokes after a
   * reconnect); after it, an update that depends on missing content is refused.
   */
  sentSync: boolean;
}

/** Why a message was refused: the connection closes with `code` (after permission-denied when set). */
export interface Refusal {
  code: CloseCode;
  reason: string;
  permissionDenied?: boolean;
}
