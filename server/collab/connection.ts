import { limits } from '../../shared/limits';
import { closeCode } from '../../shared/protocol';
import { decodeMessage, encodePermissionDenied, ProtocolError, type ClientMessage } from './protocol';
import type { Room } from './room';
import type { Access, CollabSocket, Refusal, RoomPeer, UserStamp } from './room-types';

/** Close reasons are at most 123 bytes on the wire. */
const MAX_REASON = 120;

export interface ConnectionInfo {
  userId: string;
  sessionId: string;
  proposalId: string;
  sectionId: string;
  stamp: UserStamp;
  access: Access;
}

/**
 * One socket in one room: rate limiting (a token bucket refilled lazily, no
 * timers), decode once, then one switch. Frames that arrive while the room is
 * loading wait in order. Refusals send permission-denied when due, then close.
 */
export class Connection implements RoomPeer {
  readonly userId: string;
  readonly sessionId: string;
  readonly proposalId: string;
  readonly sectionId: string;
  readonly stamp: UserStamp;
  access: Access;
  awarenessClientId: number | null = null;
  private tokens: number = limits.messageBurst;
  private refilledAt = Date.now();
  private waiting: Uint8Array[] | null = [];
  private closed = false;

  constructor(
    readonly socket: CollabSocket,
    info: ConnectionInfo,
    readonly room: Room,
  ) {
    this.userId = info.userId;
    this.sessionId = info.sessionId;
    this.proposalId = info.proposalId;
    this.sectionId = info.sectionId;
    this.stamp = info.stamp;
    this.access = info.access;
  }

  /** Joins the room; resolves once the room is loaded and the socket has its sync step 1. */
  async open(): Promise<void> {
    this.room.attach(this);
    try {
      await this.room.whenReady();
    } catch {
      this.close(closeCode.internalError, 'the section could not be loaded');
      return;
    }
    if (this.closed) return;
    this.room.start(this);
    const waiting = this.waiting ?? [];
    this.waiting = null;
    for (const frame of waiting) {
      if (this.closed) return;
      this.handle(frame);
    }
  }

  /** A frame from the socket. */
  receive(frame: Uint8Array): void {
    if (this.closed) return;
    if (!this.takeToken()) {
      this.close(closeCode.rateLimited, 'too many messages');
      return;
    }
    if (this.waiting) this.waiting.push(frame);
    else this.handle(frame);
  }

  /** The socket closed (either side). */
  closedBySocket(): void {
    if (this.closed) return;
    this.closed = true;
    this.room.leave(this);
  }

  /** Closes the socket with `code` and leaves the room. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.room.leave(this);
    this.socket.close(code, reason.slice(0, MAX_REASON));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private handle(frame: Uint8Array): void {
    let refusal: Refusal | null;
    try {
      refusal = this.dispatch(decodeMessage(frame));
    } catch (err) {
      // A frame that breaks a handler in an unforeseen way closes its socket, never the process.
      refusal = { code: closeCode.protocolError, reason: err instanceof ProtocolError ? err.message : 'frame could not be processed' };
    }
    if (refusal) this.refuse(refusal);
  }

  private dispatch(message: ClientMessage): Refusal | null {
    switch (message.type) {
      case 'sync-step1':
        return this.room.syncStep1(this, message.stateVector);
      case 'sync-step2':
      case 'update':
        return this.room.applyUpdate(this, message.update);
      case 'awareness':
        return this.room.awareness.apply(this, message.update);
      case 'query-awareness': {
        const frame = this.room.awareness.snapshotFrame();
        if (frame) this.socket.send(frame);
        return null;
      }
      case 'auth':
        return { code: closeCode.protocolError, reason: 'clients do not send auth messages' };
      default: {
        const never: never = message;
        throw new ProtocolError(`unhandled message ${String(never)}`);
      }
    }
  }

  private refuse(refusal: Refusal): void {
    if (refusal.permissionDenied) this.socket.send(encodePermissionDenied(refusal.reason));
    this.close(refusal.code, refusal.reason);
  }

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(limits.messageBurst, this.tokens + ((now - this.refilledAt) * limits.messagesPerSecond) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
