import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import type { CaretUser } from '../editor/extensions';

export interface PresentUser {
  readonly key: string;
  readonly name: string;
  readonly color: string;
  readonly partnerName: string | undefined;
  readonly country: string | undefined;
  readonly self: boolean;
}

function asCaretUser(value: unknown): CaretUser | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  return { id: str('id'), name: str('name'), color: str('color'), partnerName: str('partnerName'), country: str('country') };
}

/** The distinct people in a room, from its awareness states (server-stamped `user`). */
export function presentUsers(awareness: Awareness, selfUserId: string): PresentUser[] {
  const seen = new Map<string, PresentUser>();
  for (const [clientId, state] of awareness.getStates()) {
    const user = asCaretUser((state as Record<string, unknown>).user);
    if (!user?.name) continue;
    const key = user.id ?? `client-${clientId}`;
    const self = clientId === awareness.clientID || user.id === selfUserId;
    if (seen.has(key) && !self) continue;
    seen.set(key, { key, name: user.name, color: user.color ?? '#555', partnerName: user.partnerName, country: user.country, self });
  }
  return [...seen.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
}

/**
 * Watches who is in each section of a proposal, for the sidebar markers: one quiet
 * socket per section that publishes no awareness state of its own.
 */
export class PresenceWatch {
  private readonly rooms = new Map<string, { doc: Y.Doc; provider: WebsocketProvider }>();
  private readonly listeners = new Set<() => void>();
  private counts: ReadonlyMap<string, number> = new Map();

  constructor(url: string, sectionIds: readonly string[]) {
    for (const id of sectionIds) {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(url, encodeURIComponent(id), doc, { connect: false, disableBc: true, maxBackoffTime: 5000 });
      provider.awareness.setLocalState(null);
      provider.awareness.on('change', this.recount);
      provider.connect();
      this.rooms.set(id, { doc, provider });
    }
  }

  getCounts = (): ReadonlyMap<string, number> => this.counts;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  destroy(): void {
    for (const { doc, provider } of this.rooms.values()) {
      provider.destroy();
      doc.destroy();
    }
    this.rooms.clear();
    this.listeners.clear();
  }

  private recount = (): void => {
    const next = new Map<string, number>();
    for (const [id, { provider }] of this.rooms) next.set(id, presentUsers(provider.awareness, '').length);
    this.counts = next;
    for (const l of [...this.listeners]) l();
  };
}
