// @module-tag needs-postgres
// @module-tag needs-redis-server
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { loadDoc } from '../../server/db/doc-updates';
import { openPostgres, type Sql } from '../../server/db/sql';
import { ApiClient } from '../helpers/http';
import { createScratchDatabase, failoverProxy, instanceMetricsToken, startInstance, startRedis, type FailoverProxy, type Instance, type RedisProcess, type ScratchDatabase } from '../helpers/instances';
import { docState, prng, randomOp } from '../helpers/random-edits';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { stockClient, waitFor, type StockClient } from '../helpers/yclient';

/**
 * MI6-MI7: failures with two instances. A Redis of this file's own (never the
 * shared one) is stopped for 10 s mid-run; one instance is killed with -9
 * mid-run while a failover proxy sends its clients to the other.
 */
let redis: RedisProcess;
let database: ScratchDatabase;
let db: Sql;
let a: Instance;
let b: Instance;
let viaA: FailoverProxy;
let viaB: FailoverProxy;
let world: CollabWorld;

beforeAll(async () => {
  [redis, database] = await Promise.all([startRedis(), createScratchDatabase('tp_mio')]);
  const env = { DATABASE_URL: database.url, REDIS_URL: redis.url };
  [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
  // Each proxy prefers one instance and fails over to the other, like a reverse proxy.
  [viaA, viaB] = await Promise.all([failoverProxy([a.port, b.port]), failoverProxy([b.port, a.port])]);
  db = await openPostgres(database.url, { max: 3 });
  world = await buildWorld(a);
});
afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await Promise.all([viaA?.close(), viaB?.close()]);
  await db?.close();
  await redis?.stop();
  await database?.drop();
});

/** /healthz's detail, which needs the metrics token (SEC25). */
const redisHealth = async (url: string) =>
  (await new ApiClient(url).request<{ ok: boolean; redis: string }>('GET', '/healthz', undefined, { authorization: `Bearer ${instanceMetricsToken}` })).body.redis;

async function storedDoc(sectionId: string): Promise<Y.Doc> {
  const loaded = await loadDoc(db, sectionId);
  const doc = new Y.Doc();
  if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
  for (const u of loaded.updates) Y.applyUpdate(doc, u);
  return doc;
}

/** Random edits on `clients` until `stop()` says so; one op per client pick, a tick apart. */
function editLoop(clients: StockClient[], seed: number, extra?: (c: StockClient, n: number) => void) {
  const rand = prng(seed);
  let running = true;
  let ops = 0;
  const done = (async () => {
    while (running) {
      const c = clients[Math.floor(rand() * clients.length)]!;
      randomOp(c.doc, rand, `x${ops}`);
      extra?.(c, ops);
      ops++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    get ops() {
      return ops;
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

const converged = (cs: StockClient[]) => cs.every((c) => c.provider.synced && docState(c.doc) === docState(cs[0]!.doc));

describe('several instances: failures', () => {
  it('MI6: Redis stopped for 10 s mid-run: instances report degraded and keep serving; within 10 s of its return everything converges, including a row committed with a lower seq after a higher one', async () => {
    const section = world.sectionIds[0]!;
    const clients = Array.from({ length: 8 }, (_, i) => stockClient(i % 2 === 0 ? a.url : b.url, section, world.coordinator));
    const onA = clients.filter((_, i) => i % 2 === 0);
    const onB = clients.filter((_, i) => i % 2 === 1);
    try {
      await waitFor(() => clients.every((c) => c.provider.synced), 10_000, 'all synced');
      const loop = editLoop(clients, 6);
      await waitFor(() => loop.ops >= 100, 10_000, '100 ops before the outage');

      await redis.stop();
      const stoppedAt = Date.now();
      await waitFor(async () => (await redisHealth(a.url)) === 'degraded' && (await redisHealth(b.url)) === 'degraded', 5000, 'both degraded');

      // A row that gets a LOW seq but commits late: inserted in an open transaction, then
      // rows with higher seqs commit on both instances, then it commits. It is never
      // published, so only the catch-up can bring it; a "seq > last seen" cursor would skip it.
      const ghost = new Y.Doc();
      ghost.getText('ghost').insert(0, 'late-low-seq');
      let release = () => {};
      const gate = new Promise<void>((r) => (release = r));
      let ghostSeq = 0;
      const slow = db.transaction(async (tx) => {
        const [row] = await tx.query<{ seq: number }>(`insert into doc_updates (doc_id, update) values ($1, $2) returning seq`, [section, Y.encodeStateAsUpdate(ghost)]);
        ghostSeq = row!.seq;
        await gate;
      });
      ghost.destroy();
      await waitFor(() => ghostSeq > 0, 5000, 'ghost row inserted');
      await waitFor(async () => {
        const [r] = await db.query<{ n: number }>(`select count(*)::int8 as n from doc_updates where doc_id = $1 and seq > $2`, [section, ghostSeq]);
        return r!.n >= 20;
      }, 10_000, '20 higher seqs committed');
      release();
      await slow;

      // Each instance still serves its own sockets meanwhile.
      await waitFor(() => Date.now() - stoppedAt >= 10_000, 15_000, 'ten seconds of outage', 100);
      await loop.stop();
      await waitFor(() => converged(onA) && converged(onB), 10_000, 'each side converged on its own');

      await redis.start();
      await waitFor(() => converged(clients) && clients.every((c) => c.doc.getText('ghost').toString() === 'late-low-seq'), 10_000, 'all converged within 10 s of the return');
      await waitFor(async () => (await redisHealth(a.url)) === 'ok' && (await redisHealth(b.url)) === 'ok', 5000, 'both ok again');
      const stored = await storedDoc(section);
      expect(docState(stored)).toBe(docState(clients[0]!.doc));
      expect(stored.getText('ghost').toString()).toBe('late-low-seq');
      stored.destroy();
    } finally {
      for (const c of clients) c.destroy();
    }
  });

  it('MI7: kill -9 of one instance mid-run: its clients reconnect to the other, and no update any client saw is lost', async () => {
    const section = world.sectionIds[1]!;
    // Through the proxies, as browsers behind the reverse proxy (no Origin: same-origin WebSocket requests may omit it).
    const clients = Array.from({ length: 8 }, (_, i) => stockClient(i % 2 === 0 ? viaA.url : viaB.url, section, world.coordinator, { origin: null }));
    const tokens = (c: StockClient) => c.doc.getArray<string>('log').toArray();
    try {
      await waitFor(() => clients.every((c) => c.provider.synced), 10_000, 'all synced');
      // Besides random edits, every op appends a unique token: tokens are never deleted, so "lost" is checkable.
      const loop = editLoop(clients, 7, (c, n) => c.doc.getArray<string>('log').push([`t${n}`]));
      await waitFor(() => loop.ops >= 150, 10_000, '150 ops before the kill');
      await a.kill();
      const seen = new Set(clients.flatMap(tokens));
      await waitFor(() => loop.ops >= 300, 10_000, '150 more ops after the kill');
      await loop.stop();

      await waitFor(() => converged(clients) && clients.every((c) => tokens(c).length === tokens(clients[0]!).length), 15_000, 'all converged on B');
      const final = new Set(tokens(clients[0]!));
      expect([...seen].filter((t) => !final.has(t))).toEqual([]);
      expect(final.size).toBe(loop.ops);
      const stored = await storedDoc(section);
      expect(docState(stored)).toBe(docState(clients[0]!.doc));
      expect(new Set(stored.getArray<string>('log').toArray())).toEqual(final);
      stored.destroy();
    } finally {
      for (const c of clients) c.destroy();
    }
  });
});
