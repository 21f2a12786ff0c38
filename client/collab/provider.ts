import * as Y from 'yjs';
import { WebsocketProvider, messageAuth } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { closeCode } from '../../shared/protocol';
import { linkProtocols, ProviderLink } from './link';
import { fragmentBlocks } from '../../shared/document/text-blocks';
import { unsavedPassages, type UnsavedReason, type UnsavedWords } from './unsaved-words';
import type { TextBlock } from '../../shared/schemas/history';

/**
 * The one owner of a section's Y.Doc + WebsocketProvider + IndexedDB lifecycle.
 * Connections live outside React (StrictMode mounts twice): components acquire
 * and release them through a CollabClient, which keeps them briefly after the
 * last release so a remount reuses the same document.
 */

export type ConnectionState = 'connecting' | 'online' | 'offline';

/** Why the section's status changed underneath the user, shown as a banner. */
export type CollabNotice = 'refused' | 'rights-changed' | 'too-large' | 'too-deep' | null;

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
  /** Words of a dropped local copy that the server never stored, kept for their author until dismissed. */
  readonly unsaved?: UnsavedWords | null;
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
/** How often the silence watchdog looks at the open socket. */
const WATCHDOG_MS = 250;
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
  /** The Twinpad extension: acknowledgements, keepalives, access. */
  readonly link: ProviderLink;
}

export class SectionConnection {
  private gen: Generation;
  private status: SectionStatus;
  private readonly listeners = new Set<() => void>();
  private watchdog: ReturnType<typeof setInterval> | null = null;
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
    this.watchdog = setInterval(this.checkSilence, WATCHDOG_MS);
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
    this.gen.link.setWorkspaceReadOnly(readOnly);
    this.update({ readOnly, notice: readOnly ? this.status.notice : null });
  }

  dismissNotice(): void {
    this.update({ notice: null });
  }

  /** The author copied or posted the unsaved words, or let them go. */
  dismissUnsaved(): void {
    this.update({ unsaved: null });
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
      protocols: linkProtocols,
      // We decide about every reconnect ourselves (jittered backoff, close codes).
      shouldReconnect: () => false,
    });
    const link = new ProviderLink(
      provider,
      doc,
      {
        unsynced: (unsynced) => {
          if (this.gen === gen) this.update({ unsynced });
        },
        synced: () => {
          if (this.gen === gen) this.onSynced();
        },
        // The server holds the socket read-only while our abilities say editable: refetch them.
        socketReadOnly: () => {
          if (this.gen === gen) this.onRightsChanged?.();
        },
      },
      (origin) => origin !== persistence,
    );
    link.setWorkspaceReadOnly(this.status.readOnly);
    const gen: Generation = { doc, provider, persistence, link };
    provider.awareness.setLocalStateField('user', { name: this.opts.user.name, color: this.opts.user.color });

    // The server's permission-denied message precedes close code 4403; the close drives what follows.
    provider.messageHandlers[messageAuth] = () => undefined;

    provider.on('status', ({ status }) => {
      if (this.gen !== gen) return;
      if (status === 'connected') this.update({ connection: 'online', synced: false });
      else if (status === 'disconnected') this.update({ connection: 'offline', synced: false });
    });
    provider.on('connection-error', () => {
      if (this.gen === gen && this.status.connection === 'connecting') this.update({ connection: 'offline' });
    });
    provider.on('closed', (event) => {
      if (this.gen === gen) this.onClosed(event.code);
    });

    // Connect once the local copy is loaded, so offline edits go out in the first sync.
    void persistence.whenSynced.then(() => {
      if (this.gen === gen && !this.destroyed) provider.connect();
    });
    return gen;
  }

  private close(gen: Generation): void {
    gen.link.destroy();
    gen.provider.destroy();
    gen.persistence.destroy().catch(() => undefined);
    gen.doc.destroy();
  }

  /** Drop the local copy (memory and IndexedDB) and resync from the server. */
  private async replaceDocument(patch: Partial<SectionStatus>): Promise<void> {
    const old = this.gen;
    // Read the copy before it goes; what the server lacks is known once its state is here.
    const before = fragmentBlocks(old.doc.getXmlFragment('default'));
    const reason: UnsavedReason = this.status.notice === 'rights-changed' ? 'rights-changed' : 'refused';
    old.provider.destroy();
    await old.persistence.clearData().catch(() => undefined);
    old.doc.destroy();
    if (this.destroyed) return;
    this.status = { ...this.status, ...patch, connection: 'connecting', synced: false, unsynced: 0, generation: this.status.generation + 1 };
    this.gen = this.open();
    this.keepUnsaved(this.gen, before, reason);
    this.emit();
  }

  /** Once `gen` has the server's state, keep the text of `before` the server lacks (added to any not yet dismissed). */
  private keepUnsaved(gen: Generation, before: readonly TextBlock[], reason: UnsavedReason): void {
    if (before.every((b) => b.text.trim() === '')) return;
    const onSync = (synced: boolean) => {
      if (!synced) return;
      gen.provider.off('sync', onSync);
      if (this.gen !== gen || this.destroyed) return;
      const passages = unsavedPassages(before, fragmentBlocks(gen.doc.getXmlFragment('default')));
      if (passages.length === 0) return;
      const earlier = this.status.unsaved?.passages ?? [];
      this.update({ unsaved: { reason, passages: [...earlier, ...passages], at: Date.now() } });
    };
    gen.provider.on('sync', onSync);
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
      case closeCode.documentTooDeep:
        // Like too large: the edit is dropped, the local copy replaced by the server's (a repaired section's too).
        if (++this.refusals > 2) {
          this.update({ closed: { code }, connection: 'offline' });
          return;
        }
        void this.replaceDocument({ notice: 'too-deep' });
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

  // ------------------------------------------------------------ link state

  /** The server's sync step 2 arrived on this connection: synced, so the backoff starts over. */
  private onSynced(): void {
    this.attempts = 0;
    this.refusals = 0;
    this.update({ synced: true });
  }

  /**
   * The silence watchdog: an open socket that sent nothing (not even a keepalive)
   * for `limits.clientSilenceMs` is dead. Show offline at once, without waiting for
   * a close event that a dead path may never deliver, drop the socket and reconnect.
   */
  private checkSilence = (): void => {
    const { provider, link } = this.gen;
    if (this.destroyed || !link.checkSilence(Date.now())) return;
    this.update({ connection: 'offline', synced: false });
    provider.disconnect();
    this.scheduleReconnect(backoffDelay(this.attempts++));
  };

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
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.watchdog = null;
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
