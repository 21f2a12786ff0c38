import * as Y from 'yjs';
import { WebsocketProvider, messageAuth, messageSync } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { closeCode } from '../../shared/protocol';

/**
 * The one owner of a section's Y.Doc + WebsocketProvider + IndexedDB lifecycle.
 * Connections live outside React (StrictMode mounts twice): components acquire
 * and release them through a CollabClient, which keeps them briefly after the
 * last release so a remount reuses the same document.
 */

export type ConnectionState = 'connecting' | 'online' | 'offline';

/** Why the section's status changed underneath the user, shown as a banner. */
export type CollabNotice = 'refused' | 'rights-changed' | 'too-large' | null;

export interface SectionStatus {
  readonly connection: ConnectionState;
  /** The server's state has arrived since the last (re)connect. */
  readonly synced: boolean;
  /** Local changes the server has not confirmed yet. */
  readonly unsynced: number;
  /** Opened read-only, or switched to read-only after the server refused an edit. */
  readonly readOnly: boolean;
  readonly notice: CollabNotice;
  /** Set when the server closed the connection for good; no reconnect follows. */
  readonly closed: { readonly code: number } | null;
  /** Bumped whenever the document is replaced (after dropping the local copy). */
  readonly generation: number;
}

export interface LocalUser {
  readonly name: string;
  readonly color: string;
}

export interface CollabClientOptions {
  /** ws(s)://host/collab */
  readonly url: string;
  /** Scopes IndexedDB stores, so two accounts in one browser never share a copy. */
  readonly userId: string;
  readonly user: LocalUser;
  /** Close code 4401: the session ended; the app sends the user to sign in. */
  onSessionEnded(): void;
}

const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 4000;
const PROBE_DELAY_MS = 150;
const RELEASE_GRACE_MS = 1500;

/** Exponential backoff with equal jitter: half fixed, half random. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(cap / 2 + (cap / 2) * random());
}

interface Generation {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  readonly persistence: IndexeddbPersistence;
}

export class SectionConnection {
  private gen: Generation;
  private status: SectionStatus;
  private readonly listeners = new Set<() => void>();
  private localSeq = 0;
  private ackedSeq = 0;
  /** localSeq at the time each in-flight sync probe was sent, oldest first. */
  private probes: number[] = [];
  private probeTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private refusals = 0;
  private destroyed = false;
  /** Called after close code 4001, so the workspace can refetch abilities. */
  onRightsChanged: (() => void) | null = null;

  constructor(
    readonly sectionId: string,
    private readonly opts: CollabClientOptions,
    readOnly: boolean,
  ) {
    this.status = { connection: 'connecting', synced: false, unsynced: 0, readOnly, notice: null, closed: null, generation: 0 };
    this.gen = this.open();
    window.addEventListener('online', this.onBrowserOnline);
  }

  get doc(): Y.Doc {
    return this.gen.doc;
  }

  get provider(): WebsocketProvider {
    return this.gen.provider;
  }

  getStatus = (): SectionStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The workspace learned new rights (abilities): stop or resume sending edits. */
  setReadOnly(readOnly: boolean): void {
    if (this.status.readOnly === readOnly) return;
    this.attachOutgoing(!readOnly);
    this.update({ readOnly, notice: readOnly ? this.status.notice : null });
  }

  dismissNotice(): void {
    this.update({ notice: null });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    window.removeEventListener('online', this.onBrowserOnline);
    this.clearTimers();
    this.close(this.gen);
    this.listeners.clear();
  }

  // ------------------------------------------------------------ lifecycle

  private storeName(): string {
    return `twinpad:${this.opts.userId}:${this.sectionId}`;
  }

  private open(): Generation {
    const doc = new Y.Doc();
    const persistence = new IndexeddbPersistence(this.storeName(), doc);
    const provider = new WebsocketProvider(this.opts.url, encodeURIComponent(this.sectionId), doc, {
      connect: false,
      disableBc: true,
      // We decide about every reconnect ourselves (jittered backoff, close codes).
      shouldReconnect: () => false,
    });
    const gen: Generation = { doc, provider, persistence };
    provider.awareness.setLocalStateField('user', { name: this.opts.user.name, color: this.opts.user.color });

    const handleSync = provider.messageHandlers[messageSync];
    provider.messageHandlers[messageSync] = (encoder, decoder, p, emitSynced, type) => {
      const kind = decoding.readVarUint(decoding.clone(decoder));
      handleSync?.(encoder, decoder, p, emitSynced, type);
      if (kind === syncProtocol.messageYjsSyncStep2 && this.gen === gen) this.onStep2();
    };
    // The server's permission-denied message precedes close code 4403; the close drives what follows.
    provider.messageHandlers[messageAuth] = () => undefined;

    doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (origin === provider || origin === persistence || this.gen !== gen) return;
      this.localSeq++;
      this.update({ unsynced: this.localSeq - this.ackedSeq });
      this.scheduleProbe();
    });
    provider.on('status', ({ status }) => {
      if (this.gen !== gen) return;
      if (status === 'connected') {
        this.probes = [];
        this.update({ connection: 'online', synced: false });
      } else if (status === 'disconnected') {
        this.probes = [];
        this.update({ connection: 'offline', synced: false });
      }
    });
    provider.on('connection-error', () => {
      if (this.gen === gen && this.status.connection === 'connecting') this.update({ connection: 'offline' });
    });
    provider.on('closed', (event) => {
      if (this.gen === gen) this.onClosed(event.code);
    });
    if (this.status.readOnly) this.attachOutgoing(false, provider, doc);

    // Connect once the local copy is loaded, so offline edits go out in the first sync.
    void persistence.whenSynced.then(() => {
      if (this.gen === gen && !this.destroyed) provider.connect();
    });
    return gen;
  }

  private close(gen: Generation): void {
    gen.provider.destroy();
    gen.persistence.destroy().catch(() => undefined);
    gen.doc.destroy();
  }

  /** Drop the local copy (memory and IndexedDB) and resync from the server. */
  private async replaceDocument(patch: Partial<SectionStatus>): Promise<void> {
    const old = this.gen;
    old.provider.destroy();
    await old.persistence.clearData().catch(() => undefined);
    old.doc.destroy();
    if (this.destroyed) return;
    this.localSeq = 0;
    this.ackedSeq = 0;
    this.probes = [];
    this.status = { ...this.status, ...patch, connection: 'connecting', synced: false, unsynced: 0, generation: this.status.generation + 1 };
    this.gen = this.open();
    this.emit();
  }

  private attachOutgoing(on: boolean, provider = this.gen.provider, doc = this.gen.doc): void {
    doc.off('update', provider._updateHandler);
    if (on) doc.on('update', provider._updateHandler);
  }

  // ------------------------------------------------------------ close codes

  private onClosed(code: number): void {
    switch (code) {
      case closeCode.sessionEnded:
        this.update({ closed: { code }, connection: 'offline' });
        this.opts.onSessionEnded();
        return;
      case closeCode.editRefused:
        // Refused twice in a row without a successful sync: stop instead of looping.
        if (++this.refusals > 2) {
          this.update({ closed: { code }, readOnly: true, connection: 'offline' });
          return;
        }
        void this.replaceDocument({ readOnly: true, notice: 'refused' });
        return;
      case closeCode.documentTooLarge:
        if (++this.refusals > 2) {
          this.update({ closed: { code }, connection: 'offline' });
          return;
        }
        void this.replaceDocument({ notice: 'too-large' });
        return;
      case closeCode.rightsChanged:
        this.update({ notice: 'rights-changed' });
        this.onRightsChanged?.();
        this.scheduleReconnect(0);
        return;
      default:
        if (code >= 4400 && code <= 4499) {
          this.update({ closed: { code }, connection: 'offline' });
          return;
        }
        this.scheduleReconnect(backoffDelay(this.attempts++));
    }
  }

  private scheduleReconnect(delay: number): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.destroyed && !this.status.closed) this.gen.provider.connect();
    }, delay);
  }

  private onBrowserOnline = (): void => {
    if (this.reconnectTimer) {
      this.attempts = 0;
      this.scheduleReconnect(backoffDelay(0));
    }
  };

  // ------------------------------------------------------------ unsynced changes

  /**
   * A sync step 1 sent after our updates: the server answers with step 2 once it
   * has handled everything before it on this socket, so its answer acknowledges them.
   */
  private scheduleProbe(): void {
    if (this.probeTimer || this.probes.length > 0 || !this.status.synced) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      this.sendProbe();
    }, PROBE_DELAY_MS);
  }

  private sendProbe(): void {
    const { provider, doc } = this.gen;
    const ws = provider.ws;
    if (!provider.wsconnected || !ws || ws.readyState !== WebSocket.OPEN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageSync);
    syncProtocol.writeSyncStep1(encoder, doc);
    this.probes.push(this.localSeq);
    ws.send(encoding.toUint8Array(encoder));
  }

  private onStep2(): void {
    const acked = this.probes.shift();
    if (acked === undefined) {
      // The answer to the provider's own step 1 on connect: we are synced; now confirm our edits.
      this.attempts = 0;
      this.refusals = 0;
      this.update({ synced: true });
      if (this.localSeq > this.ackedSeq) this.sendProbe();
      return;
    }
    this.ackedSeq = Math.max(this.ackedSeq, acked);
    this.update({ unsynced: this.localSeq - this.ackedSeq });
    if (this.localSeq > this.ackedSeq) this.scheduleProbe();
  }

  // ------------------------------------------------------------ plumbing

  private update(patch: Partial<SectionStatus>): void {
    const next = { ...this.status, ...patch };
    const keys = Object.keys(patch) as (keyof SectionStatus)[];
    if (keys.every((k) => next[k] === this.status[k])) return;
    this.status = next;
    this.emit();
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }

  private clearTimers(): void {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.probeTimer = null;
    this.reconnectTimer = null;
  }
}

/** Hands out one SectionConnection per section, reference-counted, for one signed-in user. */
export class CollabClient {
  private readonly live = new Map<string, { conn: SectionConnection; refs: number; timer: ReturnType<typeof setTimeout> | null }>();

  constructor(private readonly opts: CollabClientOptions) {}

  acquire(sectionId: string, readOnly: boolean): SectionConnection {
    const entry = this.live.get(sectionId);
    if (entry) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
      entry.refs++;
      entry.conn.setReadOnly(readOnly || entry.conn.getStatus().readOnly);
      return entry.conn;
    }
    const conn = new SectionConnection(sectionId, this.opts, readOnly);
    this.live.set(sectionId, { conn, refs: 1, timer: null });
    return conn;
  }

  release(conn: SectionConnection): void {
    const entry = this.live.get(conn.sectionId);
    if (!entry || entry.conn !== conn) return;
    if (--entry.refs > 0) return;
    const tryClose = () => {
      entry.timer = null;
      if (entry.refs > 0) return;
      // Keep a section with unconfirmed edits connected until they are through.
      const status = conn.getStatus();
      if (status.unsynced > 0 && !status.closed) {
        entry.timer = setTimeout(tryClose, RELEASE_GRACE_MS);
        return;
      }
      this.live.delete(conn.sectionId);
      conn.destroy();
    };
    entry.timer = setTimeout(tryClose, RELEASE_GRACE_MS);
  }

  /** Local changes not yet confirmed by the server, over every open section. */
  unsyncedTotal(): number {
    let n = 0;
    for (const { conn } of this.live.values()) n += conn.getStatus().unsynced;
    return n;
  }

  destroy(): void {
    for (const { conn, timer } of this.live.values()) {
      if (timer) clearTimeout(timer);
      conn.destroy();
    }
    this.live.clear();
  }
}
