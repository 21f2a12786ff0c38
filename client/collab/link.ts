import type * as Y from 'yjs';
import { messageSync, type WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { extensionMessageType, readExtensionFrame, twinpadSubprotocol, type ExtensionFrame } from '../../shared/protocol';
import { AckTracker } from './ack-tracker';

/** What the link tells its owner (the browser's SectionConnection, or a test client). */
export interface LinkEvents {
  /** The count of local edits the server has not confirmed changed. */
  unsynced(count: number): void;
  /** The server's sync step 2 arrived: the socket is synced. */
  synced(): void;
  /** The server holds this socket read-only while the workspace would let the user edit. */
  socketReadOnly(): void;
}

/**
 * Speaks the Twinpad extension over a stock y-websocket 3 provider (DOM-free,
 * so Node tests use exactly what the browser runs): offers the subprotocol
 * (pass `linkProtocols` to the provider), sends local edits itself (one update
 * frame per local doc update, only while the socket may write), counts the sync
 * step 2 the provider sends, and feeds the server's acknowledgements, keepalives
 * and access frames to an AckTracker.
 *
 * `localOrigin(origin)` says which doc updates are local edits (not the
 * provider's, not IndexedDB's).
 */
export class ProviderLink {
  readonly tracker = new AckTracker();
  private lastUnsynced = -1;

  constructor(
    private readonly provider: WebsocketProvider,
    private readonly doc: Y.Doc,
    private readonly events: LinkEvents,
    private readonly localOrigin: (origin: unknown) => boolean,
  ) {
    // We send local edits ourselves, so that each sent frame is counted exactly.
    doc.off('update', provider._updateHandler);
    doc.on('update', this.onDocUpdate);

    const handleSync = provider.messageHandlers[messageSync];
    provider.messageHandlers[messageSync] = (encoder, decoder, p, emitSynced, type) => {
      const kind = decoding.readVarUint(decoding.clone(decoder));
      handleSync?.(encoder, decoder, p, emitSynced, type);
      // The provider sends the sync step 2 it just wrote into `encoder` right after this handler.
      if (kind === syncProtocol.messageYjsSyncStep1) this.tracker.sentStep2();
      else if (kind === syncProtocol.messageYjsSyncStep2) this.events.synced();
    };
    for (const t of Object.values(extensionMessageType)) {
      provider.messageHandlers[t] = (_encoder, decoder, _p, _emitSynced, type) => {
        const frame = readExtensionFrame(type, decoder);
        if (frame) this.onExtensionFrame(frame);
      };
    }
    provider.on('status', this.onStatus);
  }

  /** The workspace's abilities changed (read-only or editable). */
  setWorkspaceReadOnly(readOnly: boolean): void {
    this.tracker.setWorkspaceReadOnly(readOnly);
  }

  /**
   * The silence watchdog, called every few hundred ms: true when the open socket
   * sent nothing for `limits.clientSilenceMs`. The socket is then dropped (the
   * owner shows offline and reconnects); a dead path's close event may never come.
   */
  checkSilence(now: number): boolean {
    this.tracker.heard(this.provider.wsLastMessageReceived);
    if (this.tracker.poll(now)?.kind !== 'silent') return false;
    this.tracker.closed();
    return true;
  }

  get unsynced(): number {
    return this.tracker.unsynced;
  }

  destroy(): void {
    this.doc.off('update', this.onDocUpdate);
    this.provider.off('status', this.onStatus);
  }

  private readonly onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }): void => {
    if (status === 'connected') this.tracker.opened(Date.now(), this.provider.ws?.protocol === twinpadSubprotocol);
    else if (status === 'disconnected') this.tracker.closed();
  };

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this.provider || !this.localOrigin(origin)) return;
    const seq = this.tracker.localEdit();
    const ws = this.provider.ws;
    if (this.provider.wsconnected && ws && ws.readyState === ws.OPEN && this.tracker.maySendUpdates()) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeUpdate(encoder, update);
      ws.send(encoding.toUint8Array(encoder));
      this.tracker.sentUpdate(seq);
    }
    this.report();
  };

  private onExtensionFrame(frame: ExtensionFrame): void {
    switch (frame.type) {
      case 'ack':
        this.tracker.acked(frame.count);
        this.report();
        return;
      case 'keepalive':
        return;
      case 'access':
        this.tracker.access(frame.access);
        if (this.tracker.socketBehindWorkspace) this.events.socketReadOnly();
        return;
      default: {
        const never: never = frame;
        throw new Error(`unknown extension frame ${String(never)}`);
      }
    }
  }

  private report(): void {
    const n = this.tracker.unsynced;
    if (n === this.lastUnsynced) return;
    this.lastUnsynced = n;
    this.events.unsynced(n);
  }
}

/** The subprotocols our provider offers (`protocols` option of WebsocketProvider). */
export const linkProtocols = [twinpadSubprotocol];
