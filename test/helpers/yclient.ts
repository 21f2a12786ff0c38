import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import { linkProtocols, ProviderLink } from '../../client/collab/link';
import { messageType, syncMessageType } from '../../shared/protocol';
import type { Proposal } from '../../shared/schemas/domain';
import { ApiClient } from './http';

/**
 * Collab test helpers: stock y-websocket clients that present a session cookie,
 * hostile raw-frame clients, a tiny world builder over the REST API, and
 * `waitFor` (poll, never sleep).
 */

/** Polls `predicate` until it holds, or fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition', intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A ws class that sends `cookie` and `origin`, as a browser tab would (y-websocket calls `new Polyfill(url)`). */
export function cookieSocketClass(cookie: string | undefined, origin: string | undefined): typeof WebSocket {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (origin) headers.origin = origin;
  class CookieWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return CookieWebSocket as unknown as typeof WebSocket;
}

export interface StockClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  text: Y.XmlFragment;
  /** Close events the provider saw, newest last. */
  closes: { code: number; reason: string }[];
  /** Permission-denied reasons received. */
  denied: string[];
  destroy(): void;
}

/** The stock y-websocket 3 client on `sectionId`, as `user` (offering `protocols`, default none). */
export function stockClient(
  baseUrl: string,
  sectionId: string,
  user: { cookie?: string | undefined },
  opts: { origin?: string | null; doc?: Y.Doc; protocols?: string[] } = {},
): StockClient {
  const doc = opts.doc ?? new Y.Doc();
  const origin = opts.origin === null ? undefined : (opts.origin ?? baseUrl);
  const provider = new WebsocketProvider(baseUrl.replace(/^http/, 'ws') + '/collab', sectionId, doc, {
    WebSocketPolyfill: cookieSocketClass(user.cookie, origin) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
    protocols: opts.protocols ?? [],
  });
  const closes: { code: number; reason: string }[] = [];
  const denied: string[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  provider.messageHandlers[messageType.auth] = (_enc, dec) => {
    decoding.readVarUint(dec);
    denied.push(decoding.readVarString(dec));
  };
  return {
    doc,
    provider,
    text: doc.getXmlFragment('default'),
    closes,
    denied,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export interface ExtensionClient extends StockClient {
  /** The browser's link module: acknowledgements, keepalives, access. */
  link: ProviderLink;
  /** Local edits the server has not acknowledged as durable. */
  readonly unsynced: number;
  /** The server's sync step 2 arrived on the current socket. */
  readonly synced: boolean;
  /** Times the silence watchdog dropped the socket. */
  readonly silences: number;
}

/**
 * Our browser client's protocol in Node: the stock y-websocket 3 provider offering
 * the Twinpad subprotocol, with the browser's ProviderLink (client/collab/link.ts)
 * for acknowledgements, access and the silence watchdog. Reconnects like the stock
 * client (the browser's own backoff and close-code handling live in provider.ts).
 */
export function extensionClient(
  baseUrl: string,
  sectionId: string,
  user: { cookie?: string | undefined },
  opts: { origin?: string | null; doc?: Y.Doc; readOnly?: boolean } = {},
): ExtensionClient {
  const base = stockClient(baseUrl, sectionId, user, { ...opts, protocols: linkProtocols });
  let synced = false;
  let silences = 0;
  const link = new ProviderLink(base.provider, base.doc, { unsynced: () => {}, synced: () => (synced = true), socketReadOnly: () => {} }, () => true);
  link.setWorkspaceReadOnly(opts.readOnly ?? false);
  base.provider.on('status', () => (synced = false));
  const watchdog = setInterval(() => {
    if (!link.checkSilence(Date.now())) return;
    silences++;
    base.provider.disconnect();
    base.provider.connect();
  }, 250);
  return {
    ...base,
    link,
    get unsynced() {
      return link.unsynced;
    },
    get synced() {
      return synced;
    },
    get silences() {
      return silences;
    },
    destroy() {
      clearInterval(watchdog);
      link.destroy();
      base.destroy();
    },
  };
}

/** Appends a paragraph with `text` to the section's `default` fragment. */
export function typeParagraph(client: { doc: Y.Doc }, text: string): void {
  const fragment = client.doc.getXmlFragment('default');
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  fragment.insert(fragment.length, [p]);
}

export const fragmentText = (doc: Y.Doc) => doc.getXmlFragment('default').toString();

// ---------------------------------------------------------------- raw (hostile) clients

export interface RawClient {
  ws: WebSocket;
  frames: Uint8Array[];
  closed: { code: number; reason: string } | null;
  send(frame: Uint8Array): void;
  close(): void;
}

/** A raw `ws` client with the session cookie; records every frame and the close. */
export async function rawClient(baseUrl: string, sectionId: string, cookie: string | undefined, origin: string | undefined = baseUrl): Promise<RawClient> {
  const Cls = cookieSocketClass(cookie, origin);
  const ws = new Cls(baseUrl.replace(/^http/, 'ws') + '/collab/' + sectionId);
  const client: RawClient = {
    ws,
    frames: [],
    closed: null,
    send(frame) {
      if (ws.readyState === ws.OPEN) ws.send(frame);
    },
    close() {
      ws.terminate();
    },
  };
  ws.on('message', (data: Buffer) => client.frames.push(new Uint8Array(data)));
  ws.on('close', (code, reason) => {
    client.closed = { code, reason: reason.toString() };
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return client;
}

/** The HTTP status of a refused upgrade, or 101 when it was accepted. */
export async function upgradeStatus(baseUrl: string, sectionId: string, cookie: string | undefined, origin?: string): Promise<number> {
  const Cls = cookieSocketClass(cookie, origin);
  const ws = new Cls(baseUrl.replace(/^http/, 'ws') + '/collab/' + sectionId);
  return new Promise<number>((resolve) => {
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => {});
  });
}

const frame = (write: (e: encoding.Encoder) => void) => {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
};

export const syncFrame = (sub: number, payload: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, messageType.sync);
    encoding.writeVarUint(e, sub);
    encoding.writeVarUint8Array(e, payload);
  });
export const updateFrame = (update: Uint8Array) => syncFrame(syncMessageType.update, update);
export const step2Frame = (update: Uint8Array) => syncFrame(syncMessageType.step2, update);
export const step1Frame = (sv: Uint8Array) => syncFrame(syncMessageType.step1, sv);

/** An awareness frame setting `state` for `clientId` at `clock`. */
export const awarenessFrame = (clientId: number, clock: number, state: unknown) =>
  frame((e) => {
    encoding.writeVarUint(e, messageType.awareness);
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, 1);
    encoding.writeVarUint(inner, clientId);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(inner, JSON.stringify(state));
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  });

/** A valid update inserting `text` (from a fresh doc). */
export function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  typeParagraph({ doc }, text);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** The first message type of a frame and, for sync frames, the sub-type. */
export function frameKind(f: Uint8Array): { type: number; sub: number | null } {
  const d = decoding.createDecoder(f);
  const type = decoding.readVarUint(d);
  return { type, sub: type === messageType.sync ? decoding.readVarUint(d) : null };
}

// ---------------------------------------------------------------- a small world over the REST API

export interface TestUser {
  api: ApiClient;
  cookie: string | undefined;
  id: string;
}

let counter = 0;
export async function signUpUser(baseUrl: string, name: string): Promise<TestUser> {
  const api = new ApiClient(baseUrl);
  const res = await api.post<{ user: { id: string } }>('/api/auth/signup', {
    email: `${name.toLowerCase().replace(/\W/g, '')}-${Date.now()}-${counter++}@example.org`,
    password: 'correct horse battery staple',
    name,
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { api, get cookie() { return api.cookie; }, id: res.body.user.id };
}

export interface CollabWorld {
  coordinator: TestUser;
  /** An editor of a second partner (owns no section until assigned). */
  editor: TestUser;
  reviewer: TestUser;
  outsider: TestUser;
  proposal: Proposal;
  partnerId: string;
  sectionIds: string[];
}

async function invite(coordinator: TestUser, proposalId: string, partnerId: string, role: string, user: TestUser): Promise<void> {
  const inv = await coordinator.api.post<{ token: string }>(`/api/proposals/${proposalId}/invitations`, { partnerId, role });
  if (inv.status !== 201) throw new Error(`invite failed: ${inv.status} ${JSON.stringify(inv.body)}`);
  const acc = await user.api.post(`/api/invitations/${inv.body.token}/accept`);
  if (acc.status !== 200) throw new Error(`accept failed: ${acc.status} ${JSON.stringify(acc.body)}`);
}

/** A proposal with a coordinator, an editor of a second partner, a reviewer and an outsider. */
export async function buildWorld(baseUrl: string): Promise<CollabWorld> {
  const [coordinator, editor, reviewer, outsider] = await Promise.all(
    ['Coordinator', 'Editor', 'Reviewer', 'Outsider'].map((n) => signUpUser(baseUrl, n)),
  ) as [TestUser, TestUser, TestUser, TestUser];
  const created = await coordinator.api.post<{ proposal: { id: string } }>('/api/proposals', {
    title: 'Twin towns for democracy',
    leadPartner: { name: 'Comune di Bologna', town: 'Bologna', country: 'IT' },
  });
  if (created.status !== 201) throw new Error(`create proposal failed: ${created.status} ${JSON.stringify(created.body)}`);
  const proposalId = created.body.proposal.id;
  const partner = await coordinator.api.post<{ partner: { id: string } }>(`/api/proposals/${proposalId}/partners`, {
    name: 'Luleå kommun', town: 'Luleå', country: 'SE',
  });
  if (partner.status !== 201) throw new Error(`add partner failed: ${partner.status}`);
  const lead = await coordinator.api.get<{ proposal: Proposal }>(`/api/proposals/${proposalId}`);
  const leadPartnerId = lead.body.proposal.partners.find((p) => p.id !== partner.body.partner.id)?.id ?? '';
  await invite(coordinator, proposalId, partner.body.partner.id, 'editor', editor);
  await invite(coordinator, proposalId, leadPartnerId, 'reviewer', reviewer);
  const full = await coordinator.api.get<{ proposal: Proposal }>(`/api/proposals/${proposalId}`);
  return {
    coordinator,
    editor,
    reviewer,
    outsider,
    proposal: full.body.proposal,
    partnerId: partner.body.partner.id,
    sectionIds: full.body.proposal.sections.map((s) => s.id),
  };
}
