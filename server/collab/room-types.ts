import type { CloseCode, CloseReason } from '../../shared/protocol';
import { AppError } from '../errors';

/** The minimal socket a connection talks to: the real `ws` socket or an in-memory test pair. */
export interface CollabSocket {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes sent that the peer has not read yet (ws `bufferedAmount`); an in-memory pair has none. */
  readonly unsentBytes?: number;
  /**
   * Drops the connection at once, releasing every unsent byte: a close would queue its
   * frame behind them and hold them until the peer reads (never, for a peer that does not).
   * Without it, `close` is used.
   */
  terminate?(): void;
}

/**
 * The room's only way to reach its peers, supplied by the collab service: `deliver`
 * one frame (encoded by the room through collab/protocol.ts), or `kick` a peer out
 * with a close code. The room never holds or closes a socket itself.
 */
export interface RoomVerbs<P extends RoomPeer = RoomPeer> {
  deliver(peer: P, frame: Uint8Array): void;
  kick(peer: P, code: CloseCode, reason: CloseReason): void;
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

/** Who a socket is and where: what admission decides and a connection carries. */
export interface SocketIdentity {
  userId: string;
  sessionId: string;
  proposalId: string;
  sectionId: string;
  stamp: UserStamp;
  access: Access;
}

/**
 * A connection as a room sees it: who it is and what it may do, never its socket.
 * The room reaches it only through the two verbs of `RoomVerbs`.
 */
export interface RoomPeer {
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
  reason: CloseReason;
  permissionDenied?: boolean;
}

/** Where a change to the room's doc came from. */
export type TxOrigin =
  | { kind: 'socket'; peer: RoomPeer }
  | { kind: 'fanout'; instanceId: string }
  | { kind: 'server' }
  /** A server-side edit on behalf of a user (a restore): persisted and broadcast like a socket's update. */
  | { kind: 'edit'; userId: string }
  /**
   * Yjs's own follow-up transaction (origin null): after a remote change to formatted
   * text it removes redundant formatting marks. Its deletions are stored and relayed
   * like an edit, attributed to nobody.
   */
  | { kind: 'yjs' };

/** The room's name for a transaction origin as a doc's 'update' event passes it (null: Yjs's own). */
export const txOrigin = (origin: unknown): TxOrigin => (origin as TxOrigin | null) ?? { kind: 'yjs' };

/**
 * Storage refused an update because its section is locked (approved or final): the
 * room's `append` rejects with it, and the room drops itself with 4001 (WSH7).
 */
export class SectionLocked extends AppError {
  constructor(readonly docId: string) {
    super('conflict', 'section_locked', { params: { action: 'edit' } });
    this.name = 'SectionLocked';
  }
}
