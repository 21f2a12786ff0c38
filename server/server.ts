import { createAdaptorServer } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { limits } from '../shared/limits';
import { createApp } from './app';
import type { Config } from './config';
import type { Clock, ServerContext } from './context';
import { migrate } from './db/migrate';
import { openDatabase, type Sql } from './db/sql';
import { EventBus } from './events';
import { createServerLog } from './logger';
import { createMetrics } from './metrics';
import { startMetricsListener } from './metrics-endpoint';
import { localFanout } from './collab/fanout';
import { createRedisFanout } from './collab/redis-fanout';
import { createCollabService, type CollabContext } from './collab/service';
import { attachCollabRoute } from './collab/ws-route';
import { WorkPool, type WorkPoolOptions } from './work/pool';
import { createEventStreams } from './event-streams';

export interface RunningServer {
  readonly ctx: ServerContext;
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The internal /metrics listener's port (METRICS_PORT; bound when 0), or null. */
  readonly metricsPort: number | null;
  /** Flushes rooms, closes sockets with 1001, stops listening and (if it opened it) closes the database. */
  close(): Promise<void>;
  /** The HTTP server's slow-client timeouts in force. */
  readonly httpTimeouts: HttpTimeouts;
}

/**
 * How long a client may take to send its request headers, and its whole request
 * (ms), before the server answers 408 and closes the connection (slow-loris). A
 * WebSocket upgrade is a request like any other until its headers are in.
 */
export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
}

export interface StartOptions {
  /** Use this database instead of opening one from config; the caller closes it. */
  db?: Sql;
  /** Where the structured log goes (default stdout); tests capture it. */
  logDestination?: NodeJS.WritableStream;
  /** Shorter slow-client timeouts (tests); default `limits.headersTimeoutMs` and `limits.requestTimeoutMs`. */
  httpTimeouts?: Partial<HttpTimeouts>;
  /** The heavy-work pool's threads, worker heap and admission caps (default: sized for the machine, shared/limits.ts). */
  work?: WorkPoolOptions;
  /** What "now" is for commands (default the wall clock); tests move it to expire links. */
  clock?: Clock;
}

/**
 * Start-up leaves work behind (V8 finishing PGlite's WebAssembly compilation and
 * collecting start-up garbage) that blocks the event loop for 50-300 ms at the first
 * idle moment. Waiting for a few on-time timer turns lets that happen before the
 * port opens, so the first client after a restart is not the one who waits.
 */
async function untilResponsive(turnMs = 5, onTimeTurns = 3, maxMs = 2000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let onTime = 0;
  while (onTime < onTimeTurns && performance.now() < deadline) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => setTimeout(resolve, turnMs));
    onTime = performance.now() - t0 < turnMs + 3 ? onTime + 1 : 0;
  }
}

/** Opens the database, migrates, and serves the API, the rooms and the client on one port. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const ownsDb = !opts.db;
  const db = opts.db ?? (await openDatabase(config));
  await migrate(db);

  let boundPort = config.port;
  const localOrigins = () => [`http://localhost:${boundPort}`, `http://127.0.0.1:${boundPort}`];
  const log = createServerLog(config.logLevel, opts.logDestination);
  const events = new EventBus((type, err) => log.error({ err, event: type }, 'event listener failed'));
  const base: CollabContext = {
    config,
    db,
    events,
    streams: createEventStreams({ db, events, log }),
    clock: opts.clock ?? (() => new Date()),
    log,
    metrics: createMetrics(),
    work: new WorkPool({ onWorkerError: (err) => log.error({ err }, 'work pool worker failed'), ...opts.work }),
    allowedOrigins: () => (config.publicOrigin ? [config.publicOrigin] : localOrigins()),
    publicOrigin: () => config.publicOrigin ?? `http://localhost:${boundPort}`,
  };

  // With REDIS_URL, rooms, awareness and domain events fan out to the other instances.
  const fanoutLog = base.log.child({ part: 'fanout' });
  const fanout = config.redisUrl
    ? createRedisFanout(config.redisUrl, {
        log: (message, err) => (err === null ? fanoutLog.warn(message) : fanoutLog.warn({ err }, message)),
        latency: (seconds) => base.metrics.fanoutLatency.observe(seconds),
      })
    : localFanout();
  const unbridge = fanout.bridge(base.events);
  const ctx: ServerContext = { ...base, collab: createCollabService(base, { fanout }) };

  const app = createApp(ctx, { fanoutStatus: () => fanout.status() });
  // The rooms warm their statements before the port opens: the first client after a restart pays no cold caches.
  const httpTimeouts: HttpTimeouts = {
    headersMs: opts.httpTimeouts?.headersMs ?? limits.headersTimeoutMs,
    requestMs: opts.httpTimeouts?.requestMs ?? limits.requestTimeoutMs,
  };
  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: {
      headersTimeout: httpTimeouts.headersMs,
      requestTimeout: httpTimeouts.requestMs,
      keepAliveTimeout: Math.min(limits.keepAliveTimeoutMs, httpTimeouts.headersMs),
      // Node looks for expired requests only this often (default 30 s, which would hold a slow client that long).
      connectionsCheckingInterval: Math.min(1000, Math.ceil(httpTimeouts.headersMs / 4)),
    },
  }) as Server;
  const route = attachCollabRoute(server, ctx.collab, (message, err) => ctx.log.error({ err }, message));
  await ctx.collab.ready;
  await untilResponsive();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  boundPort = (server.address() as AddressInfo).port;
  const metricsListener = await startMetricsListener(config, ctx.metrics);

  let closing: Promise<void> | null = null;
  return {
    ctx,
    port: boundPort,
    url: `http://127.0.0.1:${boundPort}`,
    metricsPort: metricsListener?.port ?? null,
    httpTimeouts,
    close() {
      closing ??= (async () => {
        await metricsListener?.close();
        await ctx.collab.close();
        ctx.streams.close();
        await route.detach();
        unbridge();
        await fanout.close();
        await ctx.work.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (ownsDb) await db.close();
      })();
      return closing;
    },
  };
}
