import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { ServerProcess } from './processes';

/** Where clients connect, and how (the socket class presents Twinpad's cookie and Origin). */
export interface ClientTarget {
  readonly label: string;
  readonly url: string;
  readonly socketClass: typeof WebSocket;
  /** Twinpad's session cookie (null for the reference), so another process can connect the same way. */
  readonly cookie: string | null;
}

/** One server under test, with its process and room names. */
export interface Target extends ClientTarget {
  readonly server: ServerProcess;
  readonly sections: readonly string[];
}

/** What another bench process needs to connect clients to a target. */
export interface TargetSpec {
  label: string;
  url: string;
  cookie: string | null;
}

export function specOf(target: ClientTarget): TargetSpec {
  return { label: target.label, url: target.url, cookie: target.cookie };
}

export function targetFor(spec: TargetSpec): ClientTarget {
  return { label: spec.label, url: spec.url, socketClass: spec.cookie ? cookieSocket(spec.cookie, spec.url) : WebSocket, cookie: spec.cookie };
}

/** A socket class that presents a session cookie and the server's Origin, as a browser tab would. */
function cookieSocket(cookie: string, origin: string): typeof WebSocket {
  class CookieWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie, origin } });
    }
  }
  return CookieWebSocket as unknown as typeof WebSocket;
}

async function api<T>(base: string, path: string, cookie: string | null, body?: unknown): Promise<{ body: T; cookie: string | null }> {
  const res = await fetch(base + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      origin: base,
      'content-type': 'application/json',
      ...(cookie ? { cookie } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  const set = res.headers.getSetCookie()[0]?.split(';')[0] ?? null;
  return { body: (await res.json()) as T, cookie: set ?? cookie };
}

/**
 * Signs up one coordinator (who may edit every unlocked section) and creates
 * proposals until there are at least `sectionCount` sections.
 */
export async function seedTwinpad(server: ServerProcess, sectionCount: number, signup = true, login?: { cookie: string }): Promise<{ sections: string[]; cookie: string }> {
  let cookie = login?.cookie ?? null;
  if (signup) {
    const res = await api<unknown>(server.url, '/api/auth/signup', null, {
      email: `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.org`,
      password: 'bench password for twinpad',
      name: 'Bench Coordinator',
    });
    cookie = res.cookie;
  }
  if (!cookie) throw new Error('no session cookie');
  const sections: string[] = [];
  for (let i = 0; sections.length < sectionCount; i++) {
    const created = await api<{ proposal: { id: string } }>(server.url, '/api/proposals', cookie, {
      title: `Bench proposal ${i}`,
      leadPartner: { name: 'Comune di Bologna', town: 'Bologna', country: 'IT' },
    });
    const full = await api<{ proposal: { sections: { id: string }[] } }>(server.url, `/api/proposals/${created.body.proposal.id}`, cookie);
    sections.push(...full.body.proposal.sections.map((s) => s.id));
  }
  return { sections: sections.slice(0, sectionCount), cookie };
}

export function twinpadTarget(label: string, server: ServerProcess, sections: string[], cookie: string): Target {
  return { label, server, url: server.url, sections, socketClass: cookieSocket(cookie, server.url), cookie };
}

export function referenceTarget(server: ServerProcess, sections: string[]): Target {
  return { label: 'reference', server, url: server.url, sections, socketClass: WebSocket, cookie: null };
}

/** A stock y-websocket client. The edit log is a Y.Array of [sender, seq, sentAt]. */
export interface BenchClient {
  readonly index: number;
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  readonly log: Y.Array<[number, number, number]>;
  received: number;
  destroy(): void;
}

export type OnRemoteEdit = (receiver: number, sender: number, seq: number, latencyMs: number) => void;

/**
 * Connects one client. Edits sent before `since` (performance.now() time), such as
 * those of an earlier scenario in the same section, arrive with the first sync and are ignored.
 */
export function connectClient(target: ClientTarget, section: string, index: number, onRemote?: OnRemoteEdit, since = performance.now()): BenchClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(target.url.replace(/^http/, 'ws') + '/collab', section, doc, {
    WebSocketPolyfill: target.socketClass as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 1000,
  });
  const log = doc.getArray<[number, number, number]>('bench');
  const client: BenchClient = {
    index,
    doc,
    provider,
    log,
    received: 0,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
  log.observe((event) => {
    if (event.transaction.local) return;
    const now = performance.now();
    for (const delta of event.changes.delta) {
      if (!delta.insert || !Array.isArray(delta.insert)) continue;
      for (const item of delta.insert as [number, number, number][]) {
        const [sender, seq, sentAt] = item;
        if (sender === index || sentAt < since) continue;
        client.received++;
        onRemote?.(index, sender, seq, now - sentAt);
      }
    }
  });
  return client;
}

export function edit(client: BenchClient, seq: number): void {
  client.log.push([[client.index, seq, performance.now()]]);
}

export async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function connectAll(clients: BenchClient[], timeoutMs = 60_000): Promise<void> {
  await waitUntil(() => clients.every((c) => c.provider.synced), timeoutMs, `${clients.length} clients synced`);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** Bytes as MiB, one decimal. */
export const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
