import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { authMessageType, closeCode, messageType, permissionDeniedReason } from '../../shared/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import {
  awarenessFrame, fragmentText, frameKind, rawClient, rawUpgrade, step1Frame, step2Frame, stockClient, textUpdate,
  typeParagraph, updateFrame, upgradeStatus, waitFor, type StockClient,
} from '../helpers/yclient';
import { storedText as storedTextOf } from '../helpers/stored';

let server: TestServer;
let world: CollabWorld;
const clients: StockClient[] = [];
const track = (c: StockClient) => (clients.push(c), c);

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

const storedText = (sectionId: string): Promise<string> => storedTextOf(server.database.db, sectionId);

describe('collab: sync through the server', () => {
  it('COL1: two stock clients converge, and the text is in doc_updates', async () => {
    const section = world.sectionIds[0]!;
    const a = track(stockClient(server.url, section, world.coordinator));
    const b = track(stockClient(server.url, section, world.coordinator));
    await waitFor(() => a.provider.synced && b.provider.synced, 5000, 'both synced');
    typeParagraph(a, 'Hello from Bologna');
    typeParagraph(b, 'Hej från Luleå');
    await waitFor(() => fragmentText(a.doc) === fragmentText(b.doc) && a.text.length === 2, 5000, 'convergence');
    expect(fragmentText(a.doc)).toContain('Hello from Bologna');
    expect(await storedText(section)).toBe(fragmentText(a.doc));
    // A late joiner gets everything through sync step 2.
    const c = track(stockClient(server.url, section, world.reviewer));
    await waitFor(() => fragmentText(c.doc) === fragmentText(a.doc), 5000, 'late joiner');
  });

  it('COL2: upgrades are refused as plain HTTP before any socket exists', async () => {
    const section = world.sectionIds[0]!;
    expect(await upgradeStatus(server.url, section, undefined, server.url)).toBe(401);
    expect(await upgradeStatus(server.url, section, 'twinpad_session=forged', server.url)).toBe(401);
    expect(await upgradeStatus(server.url, section, world.coordinator.cookie, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(server.url, section, world.outsider.cookie, server.url)).toBe(403);
    expect(await upgradeStatus(server.url, '6f1c7a52-0000-4000-8000-000000000000', world.coordinator.cookie, server.url)).toBe(404);
    expect(await upgradeStatus(server.url, 'not-a-uuid', world.coordinator.cookie, server.url)).toBe(404);
    // No Origin (a non-browser client) is allowed; the server's own Origin too.
    expect(await upgradeStatus(server.url, section, world.coordinator.cookie, undefined)).toBe(101);
    expect(await upgradeStatus(server.url, section, world.coordinator.cookie, server.url)).toBe(101);
    // Read as bytes: each refusal is a plain HTTP response without the upgrade's headers, after
    // which the server closes the connection, so no socket exists; an accepted upgrade switches.
    const refusals: [string, Record<string, string | undefined>, number][] = [
      [section, { origin: server.url }, 401],
      [section, { cookie: 'twinpad_session=forged', origin: server.url }, 401],
      [section, { cookie: world.coordinator.cookie, origin: 'https://evil.example' }, 403],
      [section, { cookie: world.outsider.cookie, origin: server.url }, 403],
      ['6f1c7a52-0000-4000-8000-000000000000', { cookie: world.coordinator.cookie, origin: server.url }, 404],
    ];
    for (const [id, headers, status] of refusals) {
      const refused = await rawUpgrade(server.url, `/collab/${id}`, headers);
      const { upgrade, 'sec-websocket-accept': accept } = refused.headers;
      expect({ status: refused.status, upgrade, accept, closedByServer: refused.closedByServer }).toEqual({ status, upgrade: undefined, accept: undefined, closedByServer: true });
    }
    const accepted = await rawUpgrade(server.url, `/collab/${section}`, { cookie: world.coordinator.cookie, origin: server.url });
    expect(accepted.status).toBe(101);
    expect(accepted.headers['sec-websocket-accept']).toBe(createHash('sha1').update(accepted.key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64'));
    expect(accepted.closedByServer).toBe(false);
  });

  it('COL3: a reviewer gets sync step 1, step 2 and awareness on a read-only socket', async () => {
    const section = world.sectionIds[1]!;
    const writer = track(stockClient(server.url, section, world.coordinator));
    await waitFor(() => writer.provider.synced);
    writer.provider.awareness.setLocalStateField('cursor', { at: 1 });
    typeParagraph(writer, 'Work package 1');
    const raw = await rawClient(server.url, section, world.reviewer.cookie);
    raw.send(step1Frame(Y.encodeStateVector(new Y.Doc())));
    await waitFor(() => raw.frames.some((f) => frameKind(f).sub === 1) && raw.frames.some((f) => frameKind(f).type === messageType.awareness), 5000, 'step 2 and awareness');
    expect(frameKind(raw.frames[0]!)).toEqual({ type: messageType.sync, sub: 0 });
    // An empty sync step 2 (nothing to contribute) is fine for a read-only socket.
    raw.send(step2Frame(Y.encodeStateAsUpdate(new Y.Doc())));
    raw.send(awarenessFrame(4242, 1, { cursor: null }));
    await waitFor(() => (writer.provider.awareness.getStates().get(4242) !== undefined), 5000, 'reviewer awareness relayed');
    expect(raw.closed).toBeNull();
    raw.close();
  });

  it('COL4: a read-only socket that sends an update or a content step 2 gets permission-denied and 4403; nothing is stored or relayed', async () => {
    const section = world.sectionIds[2]!;
    const writer = track(stockClient(server.url, section, world.coordinator));
    await waitFor(() => writer.provider.synced);
    for (const send of [updateFrame, step2Frame]) {
      const raw = await rawClient(server.url, section, world.reviewer.cookie);
      raw.send(send(textUpdate('hostile text')));
      await waitFor(() => raw.closed !== null, 5000, 'close');
      expect(raw.closed?.code).toBe(closeCode.editRefused);
      // Exactly one auth message before the close: permission denied, with the shared reason.
      const denials = raw.frames.filter((f) => frameKind(f).type === messageType.auth).map((f) => {
        const d = decoding.createDecoder(f);
        decoding.readVarUint(d);
        return { kind: decoding.readVarUint(d), reason: decoding.readVarString(d) };
      });
      expect(denials).toEqual([{ kind: authMessageType.permissionDenied, reason: permissionDeniedReason }]);
    }
    // The stock client too: it edits locally, is refused, and does not reconnect (4403 is final).
    const reviewer = track(stockClient(server.url, section, world.reviewer));
    await waitFor(() => reviewer.provider.synced);
    typeParagraph(reviewer, 'reviewer tries to write');
    await waitFor(() => reviewer.closes.some((c) => c.code === closeCode.editRefused), 5000, 'stock client refused');
    expect(reviewer.denied).toEqual([permissionDeniedReason]);
    typeParagraph(writer, 'owner text');
    // The owner's text, typed after every refusal, is the marker: the log and a reader joining now hold it alone.
    const ownerXml = '<paragraph>owner text</paragraph>';
    await waitFor(async () => (await storedText(section)).includes('owner text'), 5000, 'owner text stored');
    expect(await storedText(section)).toBe(ownerXml);
    expect(fragmentText(writer.doc)).toBe(ownerXml);
    const reader = track(stockClient(server.url, section, world.coordinator));
    await waitFor(() => reader.provider.synced, 5000, 'a reader joining after the refusals');
    expect(fragmentText(reader.doc)).toBe(ownerXml);
  });
});
