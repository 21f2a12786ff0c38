import { limits } from '../../shared/limits';
import { accessCode, closeCode, encodeExtensionFrame, type CloseCode, type CloseReason } from '../../shared/protocol';
import { FrameTurn } from './frame-turn';
import { decodeMessage, encodePermissionDenied, ProtocolError, type ClientMessage } from './protocol';
import type { Room } from './room';
import type { Access, CollabSocket, Refusal, RoomPeer, SocketIdentity, UserStamp } from './room-types';
import { SocketBudget } from './socket-budget';
import { answeredStateVector } from './sync-reply';

/** Who is told when a connection refuses a frame (metrics count them by close code). */
export type RefusalObserver = (code: CloseCode) => void;

/** Close reasons are at most 123 bytes on the wire. */
const MAX_REASON = 120;

export interface ConnectionInfo extends SocketIdentity {
  /** The socket negotiated the Twinpad extension (acks, keepalives, access frames); default no. */
  extension?: boolean;
}

/**
 * One socket in one room: rate limiting, decode once, then one switch. Frames
 * wait in order in an inbox while the room loads, and once this turn's frame
 * budget (`FrameTurn`, shared by every socket of the service) is spent, after at
 * least one frame each: ws hands over every frame of a TCP read in one turn, and
 * a hostile burst must not block every other room. Refusals send
 * permission-denied when due, then close.
 *
 * Lean when idle (10,000 idle sockets on one instance): the inbox and the rate
 * budget exist only once needed, and everything sent goes through one method.
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
  access: Access;
  awarenessClientId: number | null = null;
  sentSync = false;
  /** Rate limits, made on the first frame (an idle socket needs none). */
  private budget: SocketBudget | null = null;
  /** Content frames (sync step 2, update) handled so far; the ack counts them. */
  private contentFrames = 0;
  /** Of those, the count known durable, and whether an ack for it is queued. */
  private durableFrames = 0;
  private ackQueued = false;
  /** Something was sent to the socket since the last keepalive tick. */
  private sentSinceTick = true;
  /** Frames waiting (room loading, or this turn's budget spent); null while none wait. */
  private inbox: Uint8Array[] | null = null;
  private inboxBytes = 0;
  /** False until the room is loaded; then frames are handled as they come. */
  private started = false;
  private resume: NodeJS.Immediate | null = null;
  private closed = false;

  constructor(
    /** The transport; only `deliver` and `kick` (and a refusal) use it. */
    private readonly transport: CollabSocket,
    info: ConnectionInfo,
    readonly room: Room<Connection>,
    /** The service's frame budget; a connection made alone (a unit test) gets its own. */
    private readonly turn: FrameTurn = new FrameTurn(),
    private readonly onRefused: RefusalObserver | null = null,
  ) {
    this.extension = info.extension ?? false;
    this.userId = info.userId;
    this.sessionId = info.sessionId;
    this.proposalId = info.proposalId;
    // The room's own id string: one copy per room, not one per socket.
    this.sectionId = room.docId;
    this.stamp = info.stamp;
    this.access = info.access;
  }

  /**
   * The room's verb: one frame to this socket (counted for keepalives). Send
   * backpressure: when what the socket has not read yet plus this frame would pass
   * `limits.maxUnsentBytesPerSocket`, the frame is not sent and the socket is dropped.
   */
  deliver(frame: Uint8Array): void {
    if (this.closed) return;
    if ((this.transport.unsentBytes ?? 0) + frame.byteLength > limits.maxUnsentBytesPerSocket) {
      this.dropBacklogged();
      return;
    }
    this.sentSinceTick = true;
    this.transport.send(frame);
  }

  /**
   * The socket does not read what it is sent: counted as a `sendBacklog` refusal and
   * terminated at once. A close frame would wait behind megabytes the peer never reads
   * (ws holds them until its 30 s close timeout); the client sees the connection drop
   * and reconnects, as it would on 4009.
   */
  private dropBacklogged(): void {
    this.onRefused?.(closeCode.sendBacklog);
    if (!this.end()) return;
    if (this.transport.terminate) this.transport.terminate();
    else this.transport.close(closeCode.sendBacklog, 'send_backlog');
  }

  /**
   * The room's verb: the room drops this socket (its load or a commit failed, the
   * section locked, shutdown). The room forgets it itself; the socket is closed.
   */
  kick(code: CloseCode, reason: CloseReason): void {
    if (this.closed) return;
    this.markClosed();
    this.transport.close(code, reason.slice(0, MAX_REASON));
  }

  /** Joins the room; resolves once the room is loaded and the socket has its sync step 1. */
  async open(): Promise<void> {
    this.sendAccess();
    this.room.attach(this);
    try {
      await this.room.whenReady();
    } catch {
      this.close(closeCode.internalError, 'load_failed');
      return;
    }
    if (this.closed) return;
    this.room.start(this);
    this.started = true;
    this.drain();
  }

  /** A text frame from the socket: not part of the protocol. */
  receiveText(): void {
    this.refuse({ code: closeCode.protocolError, reason: 'text_frame' });
  }

  /** A frame from the socket. */
  receive(frame: Uint8Array): void {
    if (this.closed) return;
    const refusal = (this.budget ??= new SocketBudget()).frame();
    if (refusal) {
      this.refuse({ code: closeCode.rateLimited, reason: refusal });
      return;
    }
    this.inboxBytes += frame.byteLength;
    if (this.inboxBytes > limits.maxQueuedBytesPerSocket) {
      this.refuse({ code: closeCode.rateLimited, reason: 'inbox_full' });
      return;
    }
    (this.inbox ??= []).push(frame);
    if (this.started && this.resume === null) this.drain();
  }

  /** Handles waiting frames in order until the inbox is empty or this turn's budget is spent. */
  private drain(): void {
    this.resume = null;
    const inbox = this.inbox;
    if (inbox === null) return;
    const deadline = this.turn.deadline();
    let head = 0;
    // At least one frame per socket and turn, so a flood elsewhere never starves a socket.
    while (head < inbox.length && !this.closed && (head === 0 || performance.now() < deadline)) {
      const frame = inbox[head++]!;
      this.inboxBytes -= frame.byteLength;
      this.handle(frame);
    }
    if (this.closed) return;
    if (head >= inbox.length) this.inbox = null;
    else {
      inbox.splice(0, head);
      this.resume = setImmediate(() => this.drain());
    }
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
    if (!this.sentSinceTick) this.deliver(encodeExtensionFrame({ type: 'keepalive' }));
    this.sentSinceTick = false;
  }

  private sendAccess(): void {
    if (!this.extension) return;
    const access = this.access === 'read-write' ? accessCode.readWrite : accessCode.readOnly;
    this.deliver(encodeExtensionFrame({ type: 'access', access }));
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
        if (!this.closed) this.deliver(encodeExtensionFrame({ type: 'ack', count: this.durableFrames }));
      });
    });
  }

  /** The socket closed (either side). */
  closedBySocket(): void {
    this.end();
  }

  /** Closes the socket with `code` and leaves the room. */
  close(code: number, reason: CloseReason): void {
    if (this.end()) this.transport.close(code, reason.slice(0, MAX_REASON));
  }

  /** Marks the connection closed and leaves the room; false when it already was. */
  private end(): boolean {
    if (this.closed) return false;
    this.markClosed();
    this.room.leave(this);
    return true;
  }

  /** Closed: whatever waits in the inbox is dropped. */
  private markClosed(): void {
    this.closed = true;
    if (this.resume) clearImmediate(this.resume);
    this.resume = null;
    this.inbox = null;
    this.inboxBytes = 0;
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
      refusal = { code: closeCode.protocolError, reason: 'malformed_frame' };
    }
    if (refusal) this.refuse(refusal);
  }

  private dispatch(message: ClientMessage): Refusal | null {
    switch (message.type) {
      case 'sync-step1': {
        const refusal = (this.budget ??= new SocketBudget()).syncRequest();
        if (refusal) return { code: closeCode.rateLimited, reason: refusal };
        return this.room.syncStep1(this, answeredStateVector(this.room.doc, message.stateVector, this.transport.unsentBytes));
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
        return this.room.awareness.apply(this, message.update, this.room.peers.size);
      case 'query-awareness': {
        const frame = this.room.awareness.snapshotFrame();
        if (frame) this.deliver(frame);
        return null;
      }
      case 'auth':
        return { code: closeCode.protocolError, reason: 'auth_from_client' };
      default: {
        const never: never = message;
        throw new ProtocolError(`unhandled message ${String(never)}`);
      }
    }
  }

  /** Refuses what the socket sent: permission-denied when due, then the close code (counted). */
  private refuse(refusal: Refusal): void {
    if (this.closed) return;
    this.onRefused?.(refusal.code);
    if (refusal.permissionDenied) this.deliver(encodePermissionDenied(refusal.reason));
    this.close(refusal.code, refusal.reason);
  }
}
