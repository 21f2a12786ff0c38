import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { wrapWithFdLimit } from './fd-limit';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A server process under measurement: its URL, and its CPU and memory read from /proc. */
export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** The process's DevTools endpoint (every server runs with --inspect=127.0.0.1:0; see bench/inspector.ts). */
  readonly inspectorUrl: string;
  rssBytes(): number;
  /** CPU seconds (user + system) used so far. */
  cpuSeconds(): number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function procStats(pid: number) {
  return {
    rss(): number {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
      return Number(kb ?? 0) * 1024;
    },
    cpu(): number {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of /proc/PID/stat (11 and 12 after the name).
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
  };
}

/** Every server runs with an inspector on a free port, attached only around measurements. */
const INSPECT = '--inspect=127.0.0.1:0';
/** BENCH_NODE_ARGS adds Node flags to Twinpad's process (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof). */
const extraNodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Node prints the inspector's address to stderr at start. */
function inspectorUrlOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(buffer);
      if (m?.[1]) {
        child.stderr?.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before its inspector started: ${buffer}`)));
  });
}

/**
 * A started server. It keeps the tail of the server's stderr and prints it if the
 * server exits before `stop()` (a crash mid-run would otherwise pass unseen).
 */
function wrap(name: string, url: string, inspectorUrl: string, child: ChildProcess): ServerProcess {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  const stats = procStats(pid);
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8192);
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) console.error(`\n!! ${name} exited unexpectedly (code ${code}, signal ${signal}); its stderr ended with:\n${tail}`);
      resolve();
    }),
  );
  return {
    name,
    url,
    pid,
    inspectorUrl,
    rssBytes: stats.rss,
    cpuSeconds: stats.cpu,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${buffer}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = pattern.exec(buffer);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (buffer += c.toString()));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready: ${buffer}`)));
  });
}

export interface TwinpadEnv {
  dataDir?: string;
  databaseUrl?: string;
  redisUrl?: string;
}

/** Starts Twinpad as its own process (the way `npm start` runs it) and waits until it listens. */
export async function startTwinpad(name: string, env: TwinpadEnv, port = 0): Promise<ServerProcess> {
  // Through bash with the open-file limit raised (bench/fd-limit.ts); `exec` keeps the pid Node's.
  const run = wrapWithFdLimit(process.execPath, [INSPECT, ...extraNodeArgs, '--import', 'tsx', 'server/main.ts']);
  const child = spawn(run.command, run.args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      ...(env.dataDir ? { DATA_DIR: env.dataDir } : {}),
      ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
      ...(env.redisUrl ? { REDIS_URL: env.redisUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const inspectorUrl = inspectorUrlOf(child);
  const m = await waitForLine(child, /listening on http:\/\/[^:]+:(\d+)/, 60_000);
  child.stdout?.resume();
  return wrap(name, `http://127.0.0.1:${m[1]}`, await inspectorUrl, child);
}

/** Starts the reference in-memory y-websocket 2 server (bin/server.cjs) in its own process. */
export async function startReference(): Promise<ServerProcess> {
  const port = await freePort();
  const run = wrapWithFdLimit(process.execPath, [INSPECT, `${root}node_modules/y-websocket-v2/bin/server.cjs`]);
  const child = spawn(run.command, run.args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const inspectorUrl = inspectorUrlOf(child);
  await waitForLine(child, /running at/, 20_000);
  child.stdout?.resume();
  return wrap('reference', `http://127.0.0.1:${port}`, await inspectorUrl, child);
}
