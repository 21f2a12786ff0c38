// @module-tag needs-postgres
// @module-tag needs-redis
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closeCode } from '../../shared/protocol';
import { loadDoc } from '../../server/db/doc-updates';
import type { Sql } from '../../server/db/sql';
import { ApiClient } from '../helpers/http';
import { instanceMetricsToken, startInstancePair, type Instance, type InstancePair } from '../helpers/instances';
import { openEventStream } from '../helpers/event-stream';
import { startTestServer } from '../helpers/server';
import type { CollabWorld } from '../helpers/factories';
import { docOf, fragmentText, recordLocalEdits, stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';
import { prng, randomOp, docState } from '../helpers/random-edits';
import { readStored } from '../helpers/stored';

/**
 * MI1-MI5: two Twinpad processes on different ports, one Postgres database and
 * the local Redis; stock y-websocket clients split across the two.
 */
const redisUrl = 'redis://127.0.0.1:6379';
let pair: InstancePair;
let db: Sql;
let a: Instance;
let b: Instance;
let world: CollabWorld;

beforeAll(async () => {
  pair = await startInstancePair('tp_mi', redisUrl);
  ({ db, a, b, world } = pair);
});
afterAll(async () => {
  await pair?.stop();
});

/** /healthz's detail, which needs the metrics token (SEC25). */
const health = async (url: string) =>
  (await new ApiClient(url).request<{ ok: boolean; redis: string }>('GET', '/healthz', undefined, { authorization: `Bearer ${instanceMetricsToken}` })).body;

/** Stored state of a section, reloaded the way a room loads it. */
const storedState = (sectionId: string): Promise<string> => readStored(db, sectionId, docState);

describe('several instances (Postgres + Redis)', () => {
  it('MI1: /healthz reports redis "ok" on both instances, and "off" without REDIS_URL', async () => {
    expect(await health(a.url)).toMatchObject({ ok: true, redis: 'ok' });
    expect(await health(b.url)).toMatchObject({ ok: true, redis: 'ok' });
    const alone = await startTestServer({ METRICS_TOKEN: instanceMetricsToken });
    try {
      expect(await health(alone.url)).toMatchObject({ ok: true, redis: 'off' });
    } finally {
      await alone.stop();
    }
  });

  it('MI2: an update typed on A reaches B\'s sockets and is stored exactly once', async () => {
    const section = world.sectionIds[9]!;
    const writer = stockClient(a.url, section, world.coordinator);
    const reader = stockClient(b.url, section, world.reviewer);
    try {
      await waitFor(() => writer.provider.synced && reader.provider.synced, 10_000, 'synced');
      for (let i = 0; i < 10; i++) typeParagraph(writer, `once-${i}`);
      await waitFor(() => reader.text.length === 10, 5000, 'B saw all 10');
      // B applied them with the fanout origin and stored none; A's group commit stored each once.
      const rows = await db.query<{ n: number }>(`select count(*)::int8 as n from doc_updates where doc_id = $1`, [section]);
      const payloads = (await loadDoc(db, section)).updates;
      const doc = new Y.Doc();
      for (const u of payloads) Y.applyUpdate(doc, u);
      expect(fragmentText(doc)).toBe(fragmentText(writer.doc));
      doc.destroy();
      // Ten updates, ten rows: none stored twice (B applying with the fanout origin stores nothing).
      expect(rows[0]!.n).toBe(10);
    } finally {
      writer.destroy();
      reader.destroy();
    }
  });

  it('MI3: awareness crosses instances, stamped by the instance the socket is on', async () => {
    const section = world.sectionIds[10]!;
    const onA = stockClient(a.url, section, world.coordinator);
    const onB = stockClient(b.url, section, world.reviewer);
    try {
      await waitFor(() => onA.provider.synced && onB.provider.synced, 10_000, 'synced');
      onA.provider.awareness.setLocalStateField('cursor', { at: 3 });
      const idA = onA.doc.clientID;
      await waitFor(() => onB.provider.awareness.getStates().get(idA)?.cursor !== undefined, 5000, 'B sees A\'s cursor');
      const state = onB.provider.awareness.getStates().get(idA) as { user?: { id?: string } };
      expect(state.user?.id).toBe(world.coordinator.user.id);
      // A joiner on B gets A's state in its first awareness snapshot.
      const late = stockClient(b.url, section, world.editor);
      try {
        await waitFor(() => late.provider.awareness.getStates().get(idA) !== undefined, 5000, 'late joiner sees A');
      } finally {
        late.destroy();
      }
    } finally {
      onA.destroy();
      onB.destroy();
    }
  });

  it('MI4: approving a section on A makes the writing socket on B read-only (in review only the coordinator writes, VRD7)', async () => {
    const section = world.sectionIds[11]!;
    const api = world.coordinator;
    expect((await api.patch(`/api/sections/${section}`, { ownerPartnerId: world.partnerId })).status).toBe(200);
    for (const status of ['drafting', 'ready_for_review', 'in_review']) {
      expect((await api.patch(`/api/sections/${section}`, { status })).status).toBe(200);
    }
    const owner = stockClient(b.url, section, world.coordinator);
    const watcher = stockClient(a.url, section, world.coordinator);
    try {
      await waitFor(() => owner.provider.synced && watcher.provider.synced, 10_000, 'synced');
      typeParagraph(owner, 'owner writes on B');
      await waitFor(() => fragmentText(watcher.doc).includes('owner writes on B'), 5000, 'A saw the owner');
      expect((await api.patch(`/api/sections/${section}`, { status: 'approved', justification: 'Approved short for the test (VRD9)' })).status).toBe(200);
      await waitFor(() => owner.closes.some((c) => c.code === closeCode.rightsChanged), 10_000, '4001 on B after the approval on A');
      // It reconnects read-only: an edit is refused with 4403 and reaches nobody.
      await waitFor(() => owner.provider.synced, 5000, 'reconnected');
      typeParagraph(owner, 'after approval');
      await waitFor(() => owner.closes.some((c) => c.code === closeCode.editRefused), 5000, '4403 after approval');
      // Readers joining after the refusal, on either instance, get the approved text alone, as the watcher has it.
      const approvedXml = '<paragraph>owner writes on B</paragraph>';
      for (const url of [a.url, b.url]) {
        const reader = stockClient(url, section, world.reviewer);
        try {
          await waitFor(() => reader.provider.synced, 10_000, `a reader on ${url}`);
          expect(fragmentText(reader.doc)).toBe(approvedXml);
        } finally {
          reader.destroy();
        }
      }
      expect(fragmentText(watcher.doc)).toBe(approvedXml);
    } finally {
      owner.destroy();
      watcher.destroy();
    }
  });

  it('MI8: the proposal event stream on B carries a section change made on A', async () => {
    const section = world.sectionIds[12]!;
    const stream = await openEventStream(b.url, world.reviewer.cookie, world.proposal.id);
    expect(stream.status).toBe(200);
    try {
      expect((await world.coordinator.patch(`/api/sections/${section}`, { dueDate: '2027-03-01' })).status).toBe(200);
      await waitFor(() => stream.events.some((e) => e.type === 'section' && e.sectionId === section), 10_000, 'section event on B');
    } finally {
      stream.close();
    }
  });

  for (const seed of [1, 2, 3]) {
    it(`MI5: seed ${seed}: 8 clients × 3 sections × 300 ops, split across two instances, converge; the database agrees`, async () => {
      const rand = prng(seed);
      const sections = world.sectionIds.slice((seed - 1) * 3, seed * 3);
      const groups = sections.map((section) =>
        Array.from({ length: 8 }, (_, i): StockClient => stockClient(i % 2 === 0 ? a.url : b.url, section, world.coordinator)),
      );
      const all = groups.flat();
      // Every edit a client makes itself: merged without any server, they are the expected content.
      const madeLocally = groups.map((group) => group.map((c) => recordLocalEdits(c)));
      try {
        await waitFor(() => all.every((c) => c.provider.synced), 20_000, 'all synced');
        for (let op = 0; op < 300; op++) {
          for (const group of groups) {
            randomOp(group[Math.floor(rand() * group.length)]!.doc, rand, `s${seed}o${op}`);
            if (rand() < 0.02) {
              const victim = group[Math.floor(rand() * group.length)]!;
              if (victim.provider.wsconnected) victim.provider.disconnect();
              else if (!victim.provider.shouldConnect) victim.provider.connect();
            }
          }
          await new Promise((r) => setTimeout(r, 1));
        }
        for (const c of all) if (!c.provider.shouldConnect) c.provider.connect();
        for (const [si, group] of groups.entries()) {
          const made = madeLocally[si]!.flat();
          expect(made).toHaveLength(300);
          const reference = docOf(made);
          const expected = docState(reference);
          reference.destroy();
          await waitFor(() => group.every((c) => c.provider.synced && docState(c.doc) === expected), 30_000, `section ${si} converged`);
          for (const c of group) expect(docState(c.doc)).toBe(expected);
          await waitFor(async () => (await storedState(sections[si]!)) === expected, 10_000, `section ${si} stored`);
          expect(await storedState(sections[si]!)).toBe(expected);
        }
      } finally {
        for (const c of all) c.destroy();
      }
    });
  }
});
