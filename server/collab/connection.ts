import { limits } from '../../shared/limits';
import { accessCode, closeCode, encodeExtensionFrame } from '../../shared/protocol';
import { decodeMessage, encodePermissionDenied, ProtocolError, type ClientMessage } from './protocol';
import type { Room } from './room';
import type { Access, CollabSocket, Refusal, RoomPeer, UserStamp } from './room-types';
import { SocketBudget } from './socket-budget';

/** Close reasons are at most 123 bytes on the wire. */
const MAX_REASON = 120;

export interface ConnectionInfo {
  userId: string;
  sessionId: string;
  proposalId: string;
  sectionId: string;
  stamp: UserStamp;
  access: Access;
  /** The socket negotiated the Twinpad extension (acks, keepalives, access frames); default no. */
  extension?: boolean;
}

/**
 * One event loop, one budget: the frames of every socket share each turn's
 * `limits.frameBudgetMs`. A turn starts with the first frame handled after the
 * previous turn's check phase.
 */
const turn = { open: false, endsAt: 0 };

function turnDeadline(): number {
  if (!turn.open) {
    turn.open = true;
    turn.endsAt = performance.now() + limits.frameBudgetMs;
    setImmediate(() => (turn.open = false));
  }
  return turn.endsAt;
}

/**
 * One socket in one room: rate limiting, decode once, then one switch. Frames
 * wait in order in an inbox while the room loads, and once this turn's frame
 * budget (shared by every socket) is spent, after at least one frame each: ws
 * hands over every frame of a TCP read in one turn, and a hostile burst must not
 * block every other room. Refusals send permission-denied when due, then close.
 *
 * With the Twinpad extension (shared/protocol.ts `twinpadSubprotocol`) it also
 * acknowledges this socket's content frames once they are durable, sends a
 * keepalive when the socket was otherwise silent, and tells the socket its access.
 */
export class Connection implements RoomPeer {
  readonly userId: string;
  readonly sessionId: string;
  readonly proposalId: string;
  readonly sectionId: string;
  readonly stamp: UserStamp;
  readonly extension: boolean;
  /** The transport, through which everything sent to this socket goes (counted for keepalives). */
  readonly socket: CollabSocket;
  access: Access;
  awarenessClientId: number | null = null;
  sentSync = false;
  private readonly budget = new SocketBudget();
  /** Content frames (sync step 2, update) handled so far; the ack counts them. */
  private contentFrames = 0;
  /** Of those, the count known durable, and whether an ack for it is queued. */
  private durableFrames = 0;
  private ackQueued = false;
  /** Something was sent to the socket since the last keepalive tick. */
  private sentSinceTick = true;
  private readonly inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  /** False until the room is loaded; then frames are handled as they come. */
  private started = false;
  private resume: NodeJS.Immediate | null = null;
  private closed = false;

  constructor(
    transport: CollabSocket,
    info: ConnectionInfo,
    readonly room: Room,
  ) {
    this.socket = {
      send: (frame) => {
        this.sentSinceTick = true;
        transport.send(frame);
      },
      close: (code, reason) => transport.close(code, reason),
    };
    this.extension = info.extension ?? false;
    this.userId = info.userId;
    this.sessionId = info.sessionId;
    this.proposalId = info.proposalId;
    this.sectionId = info.sectionId;
    this.stamp = info.stamp;
    this.access = info.access;
  }

  /** Joins the room; resolves once the room is loaded and the socket has its sync step 1. */
  async open(): Promise<void> {
    this.sendAccess();
    this.room.attach(this);
    try {
      await this.room.whenReady();
    } catch {
      this.close(closeCode.internalError, 'the section could not be loaded');
      return;
    }
    if (this.closed) return;
    this.room.start(this);
    this.started = true;
    this.drain();
  }

  /** A frame from the socket. */
  receive(frame: Uint8Array): void {
    if (this.closed) return;
    const refusal = this.budget.frame();
    if (refusal) {
      this.close(closeCode.rateLimited, refusal);
      return;
    }
    this.inboxBytes += frame.byteLength;
    if (this.inboxBytes > limits.maxQueuedBytesPerSocket) {
      this.close(closeCode.rateLimited, 'too much data waiting');
      return;
    }
    this.inbox.push(frame);
    if (this.started && this.resume === null) this.drain();
  }

  /** Handles waiting frames in order until the inbox is empty or this turn's budget is spent. */
  private drain(): void {
    this.resume = null;
    const deadline = turnDeadline();
    let head = 0;
    // At least one frame per socket and turn, so a flood elsewhere never starves a socket.
    while (head < this.inbox.length && !this.closed && (head === 0 || performance.now() < deadline)) {
      const frame = this.inbox[head++]!;
      this.inboxBytes -= frame.byteLength;
      this.handle(frame);
    }
    this.inbox.splice(0, head);
    if (this.inbox.length > 0 && !this.closed) this.resume = setImmediate(() => this.drain());
  }

  /**
   * The rights re-check found this read-only socket may now write: tell the client
   * (extension), then send sync step 1 again; the client's step 2 answer carries
   * whatever it kept back, and may depend on nothing the room lacks only after it.
   */
  upgrade(): void {
    if (this.closed || this.access === 'read-write') return;
    this.access = 'read-write';
    this.sentSync = false;
    this.sendAccess();
    if (this.started) this.room.resync(this);
  }

  /** The keepalive tick (every `limits.keepaliveMs / 2`): an extension socket sent nothing since the last tick gets a keepalive. */
  keepaliveTick(): void {
    if (this.closed || !this.extension) return;
    if (!this.sentSinceTick) this.socket.send(encodeExtensionFrame({ type: 'keepalive' }));
    this.sentSinceTick = false;
  }

  private sendAccess(): void {
    if (!this.extension) return;
    const access = this.access === 'read-write' ? accessCode.readWrite : accessCode.readOnly;
    this.socket.send(encodeExtensionFrame({ type: 'access', access }));
  }

  /**
   * A content frame was handled: once every update the room accepted so far is
   * committed, it is durable. Acks are cumulative and coalesced: one per socket
   * per turn of the event loop, so a commit batch gives one ack, not one per frame.
   */
  private handledContent(): void {
    const count = ++this.contentFrames;
    if (!this.extension) return;
    this.room.afterCommitted(() => {
      this.durableFrames = Math.max(this.durableFrames, count);
      if (this.ackQueued) return;
      this.ackQueued = true;
      setImmediate(() => {
        this.ackQueued = false;
        if (!this.closed) this.socket.send(encodeExtensionFrame({ type: 'ack', count: this.durableFrames }));
      });
    });
  }

  /** The socket closed (either side). */
  closedBySocket(): void {
    this.end();
  }

  /** Closes the socket with `code` and leaves the room. */
  close(code: number, reason: string): void {
    if (this.end()) this.socket.close(code, reason.slice(0, MAX_REASON));
  }

  /** Marks the connection closed, drops what waits in its inbox and leaves the room; false when it already was. */
  private end(): boolean {
    if (this.closed) return false;
    this.closed = true;
    if (this.resume) clearImmediate(this.resume);
    this.resume = null;
    this.inbox.length = 0;
    this.inboxBytes = 0;
    this.room.leave(this);
    return true;
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
      case 'sync-step1': {
        const refusal = this.budget.syncRequest();
        if (refusal) return { code: closeCode.rateLimited, reason: refusal };
        return this.room.syncStep1(this, message.stateVector);
      }
      case 'sync-step2': {
        const refusal = this.room.applyUpdate(this, message.update);
        this.sentSync = true;
        if (!refusal) this.handledContent();
        return refusal;
      }
      case 'update': {
        const refusal = this.room.applyUpdate(this, message.update);
        if (!refusal) this.handledContent();
        return refusal;
      }
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
}
