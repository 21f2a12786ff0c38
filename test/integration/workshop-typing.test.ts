import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../helpers/server';
import { createProposal, joinAs, signUp, type UserClient } from '../helpers/factories';
import { extensionClient, fragmentText, stockClient, waitFor, type ExtensionClient, type StockClient } from '../helpers/yclient';
import { prng as seeded } from '../helpers/random-edits';
import { storedText } from '../helpers/stored';

/**
 * The workshop: forty clients in one section on one server for three minutes,
 * each speaking the protocol exactly as the browser does (the stock y-websocket
 * provider offering the Twinpad subprotocol, with the browser's link module),
 * typing in bursts with pauses the way people do, cursors (awareness) moving
 * with every key.
 */

const CLIENTS = 40;
/** Accounts (each signup hashes a password with scrypt at 128 MiB): the forty clients share them, five each. */
const ACCOUNTS = 8;
const TYPING_MS = Number(process.env.WORKSHOP_TYPING_MS ?? 3 * 60_000);


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
let sectionId: string;
const people: UserClient[] = [];
const clients: StockClient[] = [];

beforeAll(async () => {
  // Each provider adds a process 'exit' listener.
  process.setMaxListeners(CLIENTS + 20);
  server = await startTestServer();
  const coordinator = await signUp(server, { name: 'Chiara Coordinator' });
  const proposal = await createProposal(coordinator);
  const lead = proposal.partners.find((p) => p.isLead)!;
  sectionId = proposal.sections[0]!.id;
  const owner = await coordinator.patch(`/api/sections/${sectionId}`, { ownerPartnerId: lead.id });
  expect(owner.status).toBe(200);
  people.push(coordinator);
  while (people.length < ACCOUNTS) {
    const { client } = await joinAs(server, coordinator, proposal.id, lead.id, 'editor', { name: `Person ${people.length}` });
    people.push(client);
  }
}, 240_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

/** One person: their own paragraph, then bursts of 1 to 30 keys at 120-250 ms, pauses of 50 ms to 5 s, now and then a longer break. */
async function typeLikeAPerson(client: ExtensionClient, index: number, until: number): Promise<string> {
  const random = seeded(1000 + index);
  const marker = `[p${String(index).padStart(2, '0')}]`;
  const fragment = client.doc.getXmlFragment('default');
  const text = new Y.XmlText(marker);
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [text]);
  fragment.insert(fragment.length, [paragraph]);
  let typed = marker;
  const letters = 'abcdefghijklmnopqrstuvwxyz ';
  await sleep(random() * 5000);
  while (Date.now() < until) {
    if (random() < 0.5) {
      const keys = 1 + Math.floor(random() * 30);
      for (let k = 0; k < keys && Date.now() < until; k++) {
        const key = letters[Math.floor(random() * letters.length)]!;
        text.insert(text.length, key);
        typed += key;
        // y-prosemirror's cursor plugin publishes the selection after every keystroke.
        client.provider.awareness.setLocalStateField('cursor', { anchor: text.length, head: text.length });
        await sleep(120 + random() * 130);
      }
    } else {
      await sleep(2000 + random() * 8000);
    }
    await sleep(50 + random() * 4950);
  }
  return typed;
}

/** The paragraph texts of a doc, keyed by their person marker. */
function paragraphsByMarker(doc: Y.Doc): Map<string, string> {
  const out = new Map<string, string>();
  for (const node of doc.getXmlFragment('default').toArray()) {
    if (!(node instanceof Y.XmlElement)) continue;
    const t = node.toArray().map((c) => (c instanceof Y.XmlText ? c.toString() : '')).join('');
    const m = /^\[p\d\d\]/.exec(t);
    if (m) out.set(m[0], t);
  }
  return out;
}

describe('WSH: the workshop', () => {
  it('WSH5: forty clients type in bursts in one section for three minutes: no close, no lost key, one document, stored as converged', async () => {
    const live: ExtensionClient[] = Array.from({ length: CLIENTS }, (_, i) => {
      const c = extensionClient(server.url, sectionId, people[i % ACCOUNTS]!);
      clients.push(c);
      return c;
    });
    await waitFor(() => live.every((c) => c.synced), 30_000, 'all forty synced');
    const until = Date.now() + TYPING_MS;
    const typed = await Promise.all(live.map((c, i) => typeLikeAPerson(c, i, until)));
    await waitFor(() => live.every((c) => c.unsynced === 0), 60_000, 'every edit acknowledged');
    const expected = fragmentText(live[0]!.doc);
    await waitFor(() => live.every((c) => fragmentText(c.doc) === expected), 60_000, 'one converged document');

    const keys = typed.reduce((n, t) => n + t.length - 5, 0);
    console.log(`[WSH5] ${CLIENTS} clients, ${keys} keys in ${TYPING_MS / 1000} s`);
    expect(keys).toBeGreaterThan(CLIENTS * 10);
    expect(live.flatMap((c) => c.closes)).toEqual([]);
    expect(live.reduce((n, c) => n + c.silences, 0)).toBe(0);
    const final = paragraphsByMarker(live[0]!.doc);
    typed.forEach((t, i) => expect(final.get(t.slice(0, 5)), `person ${i}`).toBe(t));

    // What the server stored (every edit was acknowledged as durable) is the converged doc.
    for (const c of live) c.destroy();
    expect(await storedText(server.database.db, sectionId)).toBe(expected);
    const late = stockClient(server.url, sectionId, people[0]!);
    clients.push(late);
    await waitFor(() => late.provider.synced && fragmentText(late.doc) === expected, 20_000, 'a reload sees the same document');
  }, TYPING_MS + 240_000);
});
