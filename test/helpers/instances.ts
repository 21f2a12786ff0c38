import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { inject } from 'vitest';
import { openPostgres, type Sql } from '../../server/db/sql';
import { localPostgresUrl } from './requirements';
import { buildWorld, type CollabWorld } from './factories';

/**
 * Several Twinpad processes behind one address: real server processes sharing
 * one Postgres database and one Redis, a Redis of the test's own (so an outage
 * never touches the shared one), and a failover TCP proxy standing in for the
 * reverse proxy. PGlite cannot be shared by two processes, so these tests
 * always run on Postgres: the suite's DATABASE_URL, else the local server.
 * A file that uses them declares what it needs on lines of their own
 * (`// @module-tag needs-postgres`, `needs-redis-server` for startRedis,
 * `needs-redis` for the shared Redis), so that it is skipped where they are missing.
 */
export const localPostgres = localPostgresUrl;

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database (not a schema: separate processes connect to it by URL). */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const base = inject('databaseUrl') || localPostgres;
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = await openPostgres(base, { max: 1 });
  await admin.exec(`create database ${name}`);
  await admin.close();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = await openPostgres(base, { max: 1 });
      await a.exec(`drop database if exists ${name} with (force)`);
      await a.close();
    },
  };
}

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export interface RedisProcess {
  url: string;
  port: number;
  /** Stops it hard (kill -9): nothing is saved, connections drop. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

/** A redis-server of the test's own on a free port, without persistence. */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      c.once('error', (err) => reject(new Error(`redis-server did not start (${err.message}); see test/helpers/requirements.ts`)));
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      void exited.then(() => reject(new Error(`redis-server exited: ${out}`)));
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      child?.kill('SIGKILL');
      await exited;
      child = null;
    },
  };
}

export interface Instance {
  child: ChildProcess;
  url: string;
  port: number;
  exited: Promise<number | null>;
  /** kill -9 (idempotent), resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Two server processes over one scratch database and the Redis at `redisUrl`, with a world built through the first. */
export interface InstancePair {
  database: ScratchDatabase;
  /** A connection of the test's own to that database. */
  db: Sql;
  a: Instance;
  b: Instance;
  world: CollabWorld;
  /** Kills both processes, closes `db` and drops the database. */
  stop(): Promise<void>;
}

export async function startInstancePair(prefix: string, redisUrl: string): Promise<InstancePair> {
  const database = await createScratchDatabase(prefix);
  const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl };
  // Both start at once: migrations run under an advisory lock.
  const [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
  const db = await openPostgres(database.url, { max: 2 });
  const world = await buildWorld(a);
  return {
    database,
    db,
    a,
    b,
    world,
    async stop() {
      await Promise.all([a.kill(), b.kill()]);
      await db.close();
      await database.drop();
    },
  };
}

/** `server/main.ts` in its own process with `env`; resolves once it listens. */
/** The METRICS_TOKEN instances start with: it opens /healthz's detail (backend, redis) to the tests. */
export const instanceMetricsToken = 'instance-metrics-token-0123456789';

export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const full = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', STATIC_DIR: './dist', PATH: process.env.PATH ?? '', METRICS_TOKEN: instanceMetricsToken, ...env };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
  return {
    child,
    url,
    port: Number(new URL(url).port),
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface FailoverProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A TCP proxy that sends each new connection to the first of `ports` that
 * accepts it: what a reverse proxy with health checks does once an instance is
 * gone. Connections are never moved; clients reconnect on their own.
 */
export async function failoverProxy(ports: readonly number[]): Promise<FailoverProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const tryPort = (i: number) => {
      if (i >= ports.length || client.destroyed) return client.destroy();
      const upstream = connect(ports[i]!, '127.0.0.1');
      upstream.once('error', () => tryPort(i + 1));
      upstream.once('connect', () => {
        sockets.add(upstream);
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryPort(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
