import { limits } from '../../shared/limits';
import { accessCode, type AccessCode } from '../../shared/protocol';

/** What the connection must do now. */
export type LinkAction =
  /** The open socket has been silent for `limits.clientSilenceMs`: show offline at once, close it, reconnect. */
  { kind: 'silent' };

/** A content frame we sent on the current socket, not yet acknowledged. */
type SentFrame =
  /** Our sync step 2: it carries every local edit made so far (seq <= upTo). */
  | { kind: 'step2'; upTo: number }
  /** One update frame: the local edit `seq`. */
  | { kind: 'update'; seq: number };

interface SocketState {
  readonly extension: boolean;
  /** Stock protocol: the admission result is not known; assume it matches the workspace's abilities. */
  access: AccessCode | null;
  /** Content frames sent and not yet acknowledged, oldest first. */
  readonly unacked: SentFrame[];
  /** Content frames the server has acknowledged on this socket (cumulative). */
  acked: number;
  /** Our sync step 2 on this socket is acknowledged: later update frames confirm their own edit. */
  step2Acked: boolean;
  lastHeard: number;
}

/**
 * The bookkeeping of one section's local edits against the server's
 * acknowledgements (the Twinpad protocol extension), with no DOM and no timers:
 * the provider calls it as frames go and come, and tests drive it on a
 * simulated clock.
 *
 * Each local doc update sent on an open socket is one update frame; our sync
 * step 2 (the answer to the server's sync step 1) is one frame that carries every
 * local edit. The server acknowledges the cumulative count of such frames once
 * they are durable, so the count maps to edits exactly. An update sent before
 * this socket's sync step 2 may wait on the server for content that step 2
 * carries: it is confirmed with the step 2, never on its own.
 */
export class AckTracker {
  private localSeq = 0;
  /** Every local edit up to this seq is durable on the server. */
  private confirmedUpTo = 0;
  /** Local edits above `confirmedUpTo` that are durable one by one. */
  private readonly confirmedSingles = new Set<number>();
  private socket: SocketState | null = null;
  private workspaceReadOnly = false;

  /** A socket opened; `extension` when it negotiated the Twinpad subprotocol. */
  opened(now: number, extension: boolean): void {
    this.socket = { extension, access: null, unacked: [], acked: 0, step2Acked: false, lastHeard: now };
  }

  /** The socket closed or was dropped: what it did not acknowledge goes out again with the next sync step 2. */
  closed(): void {
    this.socket = null;
  }

  /** Any frame from the server. */
  heard(now: number): void {
    if (this.socket) this.socket.lastHeard = now;
  }

  /**
   * The socket's access, from the server's access frame. After an upgrade the
   * server sends sync step 1 again, and our step 2 answer carries the edits kept
   * back: updates sent before it are confirmed with it, as on a fresh socket.
   */
  access(access: AccessCode): void {
    const s = this.socket;
    if (!s) return;
    if (s.access === accessCode.readOnly && access === accessCode.readWrite) s.step2Acked = false;
    s.access = access;
  }

  /** The workspace's abilities (`setReadOnly`). */
  setWorkspaceReadOnly(readOnly: boolean): void {
    this.workspaceReadOnly = readOnly;
  }

  /** True when the open socket is known to be read-only while the workspace would let the user edit. */
  get socketBehindWorkspace(): boolean {
    return !this.workspaceReadOnly && this.socket?.access === accessCode.readOnly;
  }

  /**
   * Local edits go out as update frames only while the socket is read-write (the
   * server said so; stock protocol: assumed) and the workspace allows editing, so
   * an edit is never sent on a socket the server still holds read-only. Edits kept
   * back go out with the next sync step 2 (after an upgrade the server sends step 1 again).
   */
  maySendUpdates(): boolean {
    if (!this.socket || this.workspaceReadOnly) return false;
    return this.socket.access === null || this.socket.access === accessCode.readWrite;
  }

  /** A local change to the doc; returns its sequence number. */
  localEdit(): number {
    return ++this.localSeq;
  }

  /** The update frame carrying local edit `seq` went out on the open socket. */
  sentUpdate(seq: number): void {
    this.socket?.unacked.push({ kind: 'update', seq });
  }

  /** Our sync step 2 went out on the open socket. */
  sentStep2(): void {
    this.socket?.unacked.push({ kind: 'step2', upTo: this.localSeq });
  }

  /** The server's acknowledgement: `count` content frames of this socket are durable. */
  acked(count: number): void {
    const s = this.socket;
    if (!s) return;
    while (s.acked < count) {
      const frame = s.unacked.shift();
      if (!frame) break; // the server counts a frame we did not: never confirm beyond what was sent
      s.acked++;
      switch (frame.kind) {
        case 'step2':
          s.step2Acked = true;
          this.confirmUpTo(frame.upTo);
          break;
        case 'update':
          if (s.step2Acked && frame.seq > this.confirmedUpTo) this.confirmedSingles.add(frame.seq);
          break;
        default: {
          const never: never = frame;
          throw new Error(`unknown frame ${String(never)}`);
        }
      }
    }
    this.compact();
  }

  /** Time passed: tells the connection when the socket has gone silent. */
  poll(now: number): LinkAction | null {
    const s = this.socket;
    if (!s || !s.extension) return null;
    return now - s.lastHeard >= limits.clientSilenceMs ? { kind: 'silent' } : null;
  }

  /** Local edits the server has not confirmed as durable. */
  get unsynced(): number {
    return this.localSeq - this.confirmedUpTo - this.confirmedSingles.size;
  }

  /** Forgets every edit (the local copy was dropped). */
  reset(): void {
    this.localSeq = 0;
    this.confirmedUpTo = 0;
    this.confirmedSingles.clear();
    this.socket = null;
  }

  private confirmUpTo(seq: number): void {
    if (seq <= this.confirmedUpTo) return;
    this.confirmedUpTo = seq;
    for (const s of this.confirmedSingles) if (s <= seq) this.confirmedSingles.delete(s);
  }

  /** Singles that now extend the confirmed prefix join it. */
  private compact(): void {
    while (this.confirmedSingles.delete(this.confirmedUpTo + 1)) this.confirmedUpTo++;
  }
}
