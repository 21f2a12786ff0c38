import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import { limits } from '../../shared/limits';
import { syncMessageType } from '../../shared/protocol';
import { openTestDatabase, type TestDatabase } from '../helpers/db';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { frameKind, rawClient, step1Frame, waitFor } from '../helpers/yclient';

/** Short timeouts so the test runs in seconds; the defaults are limits.headersTimeoutMs and limits.requestTimeoutMs. */
const headersMs = 1000;
const requestMs = 2000;

let database: TestDatabase;
let server: RunningServer;
let world: CollabWorld;

beforeAll(async () => {
  database = await openTestDatabase();
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist' });
  server = await startServer(config, { db: database.db, httpTimeouts: { headersMs, requestMs } });
  world = await buildWorld(server);
});
afterAll(async () => {
  await server?.close();
  await database?.dispose();
});

interface Trickle {
  /** Everything the server sent. */
  readonly received: string;
  /** The server ended or reset the connection (we never close it first). */
  readonly closedByServer: boolean;
  stop(): void;
}

/**
 * A slow-loris client: writes `head` at once, then `drip` one byte every `everyMs`,
 * over and over, and never finishes. Only the server can end it.
 */
function trickle(port: number, head: string, drip: string, everyMs: number): Trickle {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  let closedByServer = false;
  let at = 0;
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  const gone = () => {
    closedByServer = true;
    clearInterval(timer);
  };
  socket.on('end', gone);
  socket.on('close', gone);
  socket.on('error', gone);
  socket.write(head);
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(drip[at++ % drip.length]!);
  }, everyMs);
  return {
    get received() {
      return received;
    },
    get closedByServer() {
      return closedByServer;
    },
    stop() {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

describe('SEC14 header and request timeouts', () => {
  it('SEC14 headers sent one byte at a time are cut off with 408 once the headers timeout passes', async () => {
    const loris = trickle(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 'X-Slow: abcdefghij\r\n', 200);
    try {
      await waitFor(() => loris.closedByServer, headersMs + 3000, 'the server to drop the slow client');
      expect(loris.received).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      loris.stop();
    }
  });

  it('SEC14 a WebSocket upgrade whose headers trickle in is dropped the same way (it never reaches admission)', async () => {
    const head = `GET /collab/${world.sectionIds[0]} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n`;
    const loris = trickle(server.port, head, 'X-Slow: abcdefghij\r\n', 200);
    try {
      await waitFor(() => loris.closedByServer, headersMs + 3000, 'the server to drop the slow upgrade');
      expect(loris.received).not.toMatch(/^HTTP\/1\.1 101 /);
    } finally {
      loris.stop();
    }
  });

  it('SEC14 a request body trickled one byte at a time is cut off with 408 once the request timeout passes', async () => {
    const head = 'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const loris = trickle(server.port, head, ' ', 200);
    try {
      await waitFor(() => loris.closedByServer, requestMs + 3000, 'the server to drop the slow body');
      expect(loris.received).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      loris.stop();
    }
  });

  it('SEC14 an open WebSocket outlives both timeouts: after a wait past them it still answers a sync request', async () => {
    const raw = await rawClient(server.url, world.sectionIds[0]!, world.coordinator.cookie);
    try {
      const openedAt = Date.now();
      // A wait (not an assertion on time): past both timeouts and Node's next check of them.
      await waitFor(() => Date.now() - openedAt > headersMs + requestMs + 1500, headersMs + requestMs + 5000, 'both timeouts to pass', 100);
      const before = raw.frames.length;
      raw.send(step1Frame(Y.encodeStateVector(new Map())));
      await waitFor(() => raw.frames.slice(before).some((f) => frameKind(f).sub === syncMessageType.step2), 5000, 'the sync reply');
      expect(raw.closed).toBeNull();
    } finally {
      raw.close();
    }
  });

  it('SEC14 without options the server uses limits.headersTimeoutMs and limits.requestTimeoutMs', async () => {
    const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist' });
    const plain = await startServer(config, { db: database.db });
    try {
      expect(plain.httpTimeouts).toEqual({ headersMs: limits.headersTimeoutMs, requestMs: limits.requestTimeoutMs });
    } finally {
      await plain.close();
    }
  });
});
