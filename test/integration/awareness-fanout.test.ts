import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { messageType } from '../../shared/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { awarenessFrame, frameKind, rawClient, waitFor, type RawClient } from '../helpers/yclient';

let server: TestServer;
let world: CollabWorld;

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld(server);
});
afterAll(async () => {
  await server?.stop();
});

const isAwareness = (f: Uint8Array) => frameKind(f).type === messageType.awareness;
const awarenessCount = (c: RawClient) => c.frames.filter(isAwareness).length;

/** The room's relay window (ms) for `sockets` sockets, as SEC13 states it. */
const relayWindowMs = (sockets: number) => Math.max(limits.awarenessRelayMs, (1000 * sockets) / limits.awarenessFramesPerRoomSecond);

/** `count` raw sockets in the section, each having announced its awareness client id. */
async function room(sectionId: string, count: number): Promise<RawClient[]> {
  const clients = await Promise.all(Array.from({ length: count }, () => rawClient(server.url, sectionId, world.coordinator.cookie)));
  clients.forEach((c, i) => c.send(awarenessFrame(1000 + i, 1, { cursor: 0 })));
  await waitFor(() => server.ctx.collab.registry.peek(sectionId)?.awareness.size === count, 10_000, 'every state known');
  return clients;
}

/**
 * Every client moves its cursor at `hz`, each on its own phase (as people do: the
 * room hears a change every few ms), until stopped; returns the moves sent in all.
 */
function moveCursors(clients: RawClient[], hz: number): { stop(): number } {
  let moves = 0;
  const timers: NodeJS.Timeout[] = [];
  const starts = clients.map((c, i) =>
    setTimeout(() => {
      let clock = 1;
      timers.push(
        setInterval(() => {
          moves++;
          c.send(awarenessFrame(1000 + i, ++clock, { cursor: clock }));
        }, 1000 / hz),
      );
    }, (i * 1000) / hz / clients.length),
  );
  return {
    stop() {
      for (const t of [...starts, ...timers]) clearTimeout(t);
      return moves;
    },
  };
}

describe('SEC13 awareness fan-out', () => {
  it('SEC13 50 sockets each moving their cursor at 30 Hz: each socket receives at most one awareness frame per relay window', async () => {
    const sockets = 50;
    const clients = await room(world.sectionIds[1]!, sockets);
    try {
      const before = clients.map(awarenessCount);
      const startedAt = Date.now();
      const moving = moveCursors(clients, 30);
      // A wait, not an assertion on time: let them move for three seconds.
      await waitFor(() => Date.now() - startedAt >= 3000, 10_000, 'three seconds of cursor moves', 50);
      const moves = moving.stop();
      const elapsed = Date.now() - startedAt;
      const received = clients.map((c, i) => awarenessCount(c) - before[i]!);
      // Flushes are at least one window apart; one more for the flush in flight when the count was taken.
      const bound = Math.floor(elapsed / relayWindowMs(sockets)) + 2;
      expect(Math.max(...received)).toBeLessThanOrEqual(bound);
      // ... and the cursors did move: every socket heard of the others' moves many times.
      expect(moves).toBeGreaterThan(sockets * 10);
      expect(Math.min(...received)).toBeGreaterThan(3);
    } finally {
      for (const c of clients) c.close();
    }
  });

  it('SEC13 a lone pair: each cursor move reaches the other socket as its own frame (the 20 ms window does not merge moves 33 ms apart)', async () => {
    const [mover, watcher] = await room(world.sectionIds[2]!, 2);
    try {
      const before = awarenessCount(watcher!);
      let clock = 1;
      // One move at a time, the next once the previous one arrived: none may wait for others to batch.
      for (let i = 0; i < 20; i++) {
        const seen = awarenessCount(watcher!);
        mover!.send(awarenessFrame(1000, ++clock, { cursor: clock }));
        await waitFor(() => awarenessCount(watcher!) > seen, 5000, `move ${i + 1} relayed`);
      }
      expect(awarenessCount(watcher!) - before).toBe(20);
    } finally {
      mover!.close();
      watcher!.close();
    }
  });
});
