import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import { linkProtocols, ProviderLink } from '../../client/collab/link';
import { messageType, syncMessageType } from '../../shared/protocol';

/**
 * Collab test helpers: stock y-websocket clients that present a session cookie,
 * hostile raw-frame clients, frame builders, and `waitFor` (poll, never sleep).
 * Users and proposals come from ./factories (through the REST API).
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

/**
 * Records every update `client` makes itself (not one its provider applied from
 * the server) from now on: the oracle a convergence run compares against.
 */
export function recordLocalEdits(client: { doc: Y.Doc; provider: WebsocketProvider }): Uint8Array[] {
  const made: Uint8Array[] = [];
  client.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== client.provider) made.push(update);
  });
  return made;
}

/** A doc holding exactly `updates`, merged without any server (the caller destroys it). */
export function docOf(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.mergeUpdates([...updates]));
  return doc;
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

export interface UpgradeExchange {
  /** The Sec-WebSocket-Key we sent. */
  key: string;
  status: number;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  /** The server closed the TCP connection after its response (we never close it first). */
  closedByServer: boolean;
  /** Bytes the server sent after the response's head: the body of a refusal, or frames on a socket. */
  after: Buffer;
}

/**
 * A WebSocket upgrade over plain TCP, read byte for byte: the response's status
 * and headers, and whether the server then closed the connection (within
 * `closeWithinMs`). A refusal that is plain HTTP ends with the server closing the
 * connection; an accepted upgrade stays open (we close it).
 */
export async function rawUpgrade(baseUrl: string, path: string, headers: Record<string, string | undefined>, closeWithinMs = 5000): Promise<UpgradeExchange> {
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  const key = randomBytes(16).toString('base64');
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${key}`,
    ...Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [`${name}: ${value}`])),
  ];
  let received = Buffer.alloc(0);
  let closedByServer = false;
  const ended = new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
    socket.on('end', () => {
      closedByServer = true;
      resolve();
    });
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  await waitFor(() => received.includes('\r\n\r\n') || closedByServer, closeWithinMs, `the response to ${path}`);
  const headEnd = received.indexOf('\r\n\r\n');
  const [statusLine = '', ...headerLines] = received.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1] ?? 0);
  const parsed: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (status !== 101) await Promise.race([ended, new Promise((r) => setTimeout(r, closeWithinMs))]);
  socket.destroy();
  return { key, status, headers: parsed, closedByServer, after: received.subarray(headEnd + 4) };
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

/** A Yjs v1 update with no structs and one delete range: what a client sends to delete content it knows the id of. */
export function deletionUpdate(client: number, clock: number, len: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // no structs
  encoding.writeVarUint(e, 1); // one client in the delete set
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 1); // one range
  encoding.writeVarUint(e, clock);
  encoding.writeVarUint(e, len);
  return encoding.toUint8Array(e);
}

/** The first message type of a frame and, for sync frames, the sub-type. */
export function frameKind(f: Uint8Array): { type: number; sub: number | null } {
  const d = decoding.createDecoder(f);
  const type = decoding.readVarUint(d);
  return { type, sub: type === messageType.sync ? decoding.readVarUint(d) : null };
}
