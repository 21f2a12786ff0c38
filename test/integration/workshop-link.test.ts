import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import { limits } from '../../shared/limits';
import { accessCode, extensionMessageType, messageType, readExtensionFrame, syncMessageType, twinpadSubprotocol, type ExtensionFrame } from '../../shared/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import {
  extensionClient, fragmentText, frameKind, stockClient, textUpdate, typeParagraph, updateFrame,
  waitFor, type StockClient,
} from '../helpers/yclient';

let server: TestServer;
let world: CollabWorld;
const clients: StockClient[] = [];
const sockets: WebSocket[] = [];
const track = <T extends StockClient>(c: T) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const ws of sockets) ws.terminate();
  await server?.stop();
});

interface Raw {
  ws: WebSocket;
  frames: Uint8Array[];
  closed: number | null;
  extension(): ExtensionFrame[];
}

/** A raw socket with the session cookie, offering `protocols`; `wsOptions` go to ws (e.g. autoPong). */
async function raw(sectionId: string, cookie: string | undefined, protocols: string[], wsOptions: WebSocket.ClientOptions = {}): Promise<Raw> {
  const headers: Record<string, string> = { origin: server.url };
  if (cookie) headers.cookie = cookie;
  const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/collab/' + sectionId, protocols, { headers, ...wsOptions });
  sockets.push(ws);
  const r: Raw = {
    ws,
    frames: [],
    closed: null,
    extension: () =>
      r.frames.flatMap((f) => {
        const d = decoding.createDecoder(f);
        const type = decoding.readVarUint(d);
        const frame = readExtensionFrame(type, d);
        return frame ? [frame] : [];
      }),
  };
  ws.on('message', (data: Buffer) => r.frames.push(new Uint8Array(data)));
  ws.on('close', (code) => (r.closed = code));
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return r;
}

const isExtensionType = (f: Uint8Array) => (Object.values(extensionMessageType) as number[]).includes(frameKind(f).type);

describe('WSH: the Twinpad protocol extension', () => {
  it('WSH2: an extension socket gets its access before sync step 1, a cumulative ack after the commit, and keepalives; a stock socket gets none of them', async () => {
    const section = world.sectionIds[0]!;
    const ext = await raw(section, world.coordinator.cookie, [twinpadSubprotocol]);
    const stock = await raw(section, world.coordinator.cookie, []);
    expect(ext.ws.protocol).toBe(twinpadSubprotocol);
    expect(stock.ws.protocol).toBe('');
    await waitFor(() => ext.frames.some((f) => frameKind(f).sub === syncMessageType.step1), 5000, 'step 1');
    const first = ext.frames.findIndex((f) => frameKind(f).type === messageType.sync);
    expect(ext.extension()[0]).toEqual({ type: 'access', access: accessCode.readWrite });
    expect(isExtensionType(ext.frames[0]!)).toBe(true);
    expect(first).toBe(1); // the access frame alone comes before sync step 1

    // Three content frames sent at once: acknowledged cumulatively, up to 3.
    ext.ws.send(updateFrame(textUpdate('one')));
    ext.ws.send(updateFrame(textUpdate('two')));
    ext.ws.send(updateFrame(textUpdate('three')));
    await waitFor(() => ext.extension().some((f) => f.type === 'ack' && f.count === 3), 5000, 'ack of 3');
    const acks = ext.extension().flatMap((f) => (f.type === 'ack' ? [f.count] : []));
    expect(acks).toEqual([...acks].sort((a, b) => a - b));
    expect(acks.length).toBeLessThanOrEqual(3);
    stock.ws.send(updateFrame(textUpdate('from the stock socket')));

    // Silence: keepalives reach the extension socket; the stock socket stays on the stock protocol.
    await waitFor(() => ext.extension().filter((f) => f.type === 'keepalive').length >= 2, 4 * limits.keepaliveMs + 2000, 'two keepalives');
    expect(stock.frames.filter(isExtensionType)).toEqual([]);
    expect(stock.closed).toBeNull();
    expect(ext.closed).toBeNull();
  });

  it('WSH2: the browser link over the stock provider syncs with a stock client and counts every edit acknowledged', async () => {
    const section = world.sectionIds[1]!;
    const a = track(extensionClient(server.url, section, world.coordinator));
    const b = track(stockClient(server.url, section, world.coordinator));
    await waitFor(() => a.synced && b.provider.synced, 5000, 'both synced');
    for (let i = 0; i < 20; i++) typeParagraph(a, `line ${i}`);
    typeParagraph(b, 'from stock');
    expect(a.unsynced).toBe(20);
    await waitFor(() => a.unsynced === 0, 5000, 'all acknowledged');
    await waitFor(() => fragmentText(a.doc) === fragmentText(b.doc) && fragmentText(b.doc).includes('line 19') && fragmentText(a.doc).includes('from stock'), 5000, 'converged');
    expect(a.closes).toEqual([]);
    expect(b.closes).toEqual([]);
  });

  it('WSH3: the server terminates a socket that stops answering pings', async () => {
    const section = world.sectionIds[0]!;
    const deaf = await raw(section, world.coordinator.cookie, [], { autoPong: false });
    const live = await raw(section, world.coordinator.cookie, []);
    await waitFor(() => deaf.closed !== null, 3 * limits.heartbeatMs + 5000, 'the deaf socket dropped');
    expect(deaf.closed).toBe(1006);
    expect(live.closed).toBeNull();
  });

  it('WSH4: an upgrade sends the access frame and sync step 1 again; edits kept back while read-only arrive, and the next keystroke is accepted', async () => {
    const section = world.sectionIds[2]!;
    const leadPartnerId = world.proposal.partners.find((p) => p.id !== world.partnerId)!.id;
    const reset = await world.coordinator.patch(`/api/sections/${section}`, { ownerPartnerId: leadPartnerId });
    expect(reset.status).toBe(200);
    const watcher = track(stockClient(server.url, section, world.coordinator));
    const editor = track(extensionClient(server.url, section, world.editor));
    const rawEditor = await raw(section, world.editor.cookie, [twinpadSubprotocol]);
    await waitFor(() => editor.synced && watcher.provider.synced, 5000, 'synced');
    expect(editor.link.tracker.maySendUpdates()).toBe(false);
    // Typed while the server still holds the socket read-only: kept back, never refused.
    typeParagraph(editor, 'typed before the upgrade');
    expect(editor.unsynced).toBe(1);
    const step1Before = rawEditor.frames.filter((f) => frameKind(f).sub === syncMessageType.step1).length;

    const assign = await world.coordinator.patch(`/api/sections/${section}`, { ownerPartnerId: world.partnerId });
    expect(assign.status).toBe(200);
    await waitFor(() => editor.link.tracker.maySendUpdates(), 5000, 'upgrade reached the client');
    typeParagraph(editor, 'first keystroke after the upgrade');
    await waitFor(() => {
      const text = fragmentText(watcher.doc);
      return text.includes('typed before the upgrade') && text.includes('first keystroke after the upgrade');
    }, 5000, 'both edits arrived');
    await waitFor(() => editor.unsynced === 0, 5000, 'acknowledged');
    expect(editor.closes).toEqual([]);
    expect(editor.denied).toEqual([]);
    // The raw socket saw the upgrade: access read-write, then sync step 1 again.
    await waitFor(() => rawEditor.extension().some((f) => f.type === 'access' && f.access === accessCode.readWrite), 5000, 'access frame');
    const ext = rawEditor.extension().filter((f) => f.type === 'access');
    expect(ext.map((f) => (f.type === 'access' ? f.access : -1))).toEqual([accessCode.readOnly, accessCode.readWrite]);
    await waitFor(() => rawEditor.frames.filter((f) => frameKind(f).sub === syncMessageType.step1).length === step1Before + 1, 5000, 'step 1 again');
    expect(rawEditor.closed).toBeNull();
  });

  it('WSH3: the client watchdog drops a silent socket, and the edits typed meanwhile sync after the reconnect', async () => {
    const section = world.sectionIds[3]!;
    const a = track(extensionClient(server.url, section, world.coordinator));
    const b = track(stockClient(server.url, section, world.coordinator));
    await waitFor(() => a.synced && b.provider.synced, 5000, 'synced');
    // A dead path: the socket stays open but nothing from the server reaches the client.
    const ws = a.provider.ws as unknown as WebSocket;
    ws.pause();
    typeParagraph(a, 'typed into a dead link');
    await waitFor(() => a.silences === 1, limits.clientSilenceMs + limits.keepaliveMs + 3000, 'the watchdog fired');
    await waitFor(() => fragmentText(b.doc).includes('typed into a dead link') && a.unsynced === 0, 10_000, 'synced after reconnect');
    expect(a.closes.filter((c) => c.code !== 1006)).toEqual([]);
  });
});
