import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../helpers/server';
import { docState as state, prng, randomOp } from '../helpers/random-edits';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { docOf, recordLocalEdits, stockClient, waitFor, type StockClient } from '../helpers/yclient';
import { readStored } from '../helpers/stored';

/**
 * COL12: 8 clients × 3 sections × 300 random operations with random
 * disconnects, over 3 fixed seeds. Afterwards every client and the state
 * reloaded from the database equal the merge of every edit any client made
 * (recorded on the client, apart from the server): nothing lost, nothing added.
 */
const CLIENTS = 8;
const SECTIONS = 3;
const OPS = 300;
const SEEDS = [1, 2, 3];

let server: TestServer;
let world: CollabWorld;

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
});
afterAll(async () => {
  await server?.stop();
});

/** The section's state as a cold load from the database gives it. */
const storedState = (sectionId: string): Promise<string> => readStored(server.database.db, sectionId, state);

describe('collab: randomized convergence', () => {
  for (const seed of SEEDS) {
    it(`COL12: seed ${seed}: ${CLIENTS} clients × ${SECTIONS} sections × ${OPS} ops with random disconnects converge, and the database agrees`, async () => {
      const rand = prng(seed);
      const sections = world.sectionIds.slice((seed - 1) * SECTIONS, seed * SECTIONS);
      const clients: { c: StockClient; section: string }[] = [];
      for (const section of sections) for (let i = 0; i < CLIENTS; i++) clients.push({ c: stockClient(server.url, section, world.coordinator), section });
      // Every edit a client makes itself (not one its provider applied from the server).
      const madeLocally = clients.map(({ c }) => recordLocalEdits(c));
      try {
        await waitFor(() => clients.every(({ c }) => c.provider.synced), 20_000, 'all synced');
        for (let op = 0; op < OPS; op++) {
          for (const [si] of sections.entries()) {
            const group = clients.slice(si * CLIENTS, (si + 1) * CLIENTS);
            const who = group[Math.floor(rand() * CLIENTS)]!.c;
            randomOp(who.doc, rand, `s${seed}o${op}`);
            if (rand() < 0.02) {
              const victim = group[Math.floor(rand() * CLIENTS)]!.c;
              if (victim.provider.wsconnected) victim.provider.disconnect();
              else if (!victim.provider.shouldConnect) victim.provider.connect();
            }
          }
          await new Promise((r) => setTimeout(r, 1));
        }
        for (const { c } of clients) if (!c.provider.shouldConnect) c.provider.connect();
        for (const [si, section] of sections.entries()) {
          const group = clients.slice(si * CLIENTS, (si + 1) * CLIENTS).map((x) => x.c);
          // The expected content: every edit made on any client, merged without the server.
          const made = madeLocally.slice(si * CLIENTS, (si + 1) * CLIENTS).flat();
          expect(made).toHaveLength(OPS);
          const reference = docOf(made);
          const expected = state(reference);
          reference.destroy();
          await waitFor(() => group.every((c) => c.provider.synced && state(c.doc) === expected), 30_000, `section ${si} converged`);
          for (const c of group) expect(state(c.doc)).toBe(expected);
          // The database holds the same state once every commit has landed.
          await waitFor(async () => (await storedState(section)) === expected, 10_000, `section ${si} stored`);
          expect(await storedState(section)).toBe(expected);
        }
      } finally {
        for (const { c } of clients) c.destroy();
      }
    });
  }
});
