/**
 * Issue 3's fuzz measurement: random and mutated frames thrown at one room over
 * several hostile sockets, while a second room's stock clients keep editing;
 * the server's own event-loop delay is read through its inspector. Not a test:
 * it reports, and the target is printed beside the figures.
 *
 * The server closes a socket on its first malformed frame and discards what
 * follows, so each connection throws frames predicted to keep it open (bench/
 * fuzz-frames.ts), then one predicted to close it (random, mutated, oversize),
 * or keeps throwing until the rate limit closes it. A ping after every batch
 * tells which frames the server had taken in before it closed a socket.
 *
 * The throwers run in a process of their own (this file, forked with --fuzz-child),
 * so their CPU does not stall the second room's clients in the bench process.
 * The server sets the pace (it answers pings), and a time cap bounds the run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type WebSocket from 'ws';
import { limits } from '../shared/limits';
import { closeCode } from '../shared/protocol';
import { connectAll, connectClient, edit, mib, percentile, specOf, targetFor, waitUntil, type BenchClient, type ClientTarget, type Target, type TargetSpec } from './clients';
import { buildCorpus, createRng, frameKinds, FrameStream, type Frame, type FrameKind } from './fuzz-frames';
import { withInspector } from './inspector';

/** What the throwers did (counted in the thrower process). */
export interface ThrowStats {
  /** Frames written while their socket was open. */
  frames: number;
  bytes: number;
  seconds: number;
  /** Connections opened over the run (each closed one is replaced at once). */
  socketsOpened: number;
  /** Closes the server chose, by close code (1006: no close frame, e.g. a failed upgrade). */
  closesByCode: Record<string, number>;
  /** The server's close reasons (numbers masked), for the closes it chose. */
  closeReasons: Record<string, number>;
  /** Closes with another code than planned, or before the connection's planned closer. */
  unplannedCloses: number;
  /** Frames written after the last ping the server answered on sockets it closed, planned closers aside: at most this many were never processed. */
  framesUnacknowledged: number;
  /** Planned closers the server kept the socket open after (the thrower then closed it). */
  closersSurvived: number;
  byKind: Record<FrameKind, number>;
  /** Generated frames predicted to close a socket that no connection needed as its closer. */
  framesSkipped: number;
  /** Why the throw ended: all frames thrown, the time cap, or a server that refused every connection for a while. */
  stoppedBy: 'frames' | 'time cap' | 'server unreachable';
}

export interface FuzzResult extends ThrowStats {
  target: string;
  seed: number;
  /** Frames asked for; `frames` is what was thrown (fewer when the time cap stopped the throw). */
  requestedFrames: number;
  maxSeconds: number;
  /** Hostile sockets open at once. */
  sockets: number;
  framesPerSecond: number;
  /** The server's event-loop delay over the throw (perf_hooks histogram inside the server). */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** The second room: stock clients editing throughout, latency to every receiver. */
  room2: { clients: number; editsSent: number; editsLost: number; latencyMs: { p50: number; p95: number; p99: number; count: number } };
  serverCpuPercent: number;
  serverRssMiB: number;
  /** The server's V8 heap and its memory outside the heap (buffers, PGlite's WASM memory), after the throw. */
  serverHeapMiB: number;
  serverExternalMiB: number;
  /** The server process still exists (signal 0) after the throw ... */
  serverAlive: boolean;
  /** ... and GET /healthz answers 200. */
  healthzOk: boolean;
}

type ThrowPlan = { section: string; frames: number; sockets: number; seed: number; maxSeconds: number };
type ToThrower = { type: 'start'; spec: TargetSpec; plan: ThrowPlan } | { type: 'go' };
type FromThrower = { type: 'ready' } | { type: 'done'; stats: ThrowStats } | { type: 'error'; message: string };

/**
 * Frames between two pings. A socket gets its next batch once the server has answered
 * the ping before the last one, so at most two batches are in flight on each socket.
 */
const BATCH = 128;
/** ... and once ws has less than this waiting (the oversize closers). */
const HIGH_WATER = 128 * 1024;
/** Connections that throw until the rate limit (4008) closes them, a whole burst ahead of the server's answers, instead of ending with a closer. */
const RATE_PLANS = 0.05;
/** After the server has taken in everything before a closer, it has this long to close the socket. */
const CLOSER_TIMEOUT_MS = 2000;
/** The thrower gives up after this many connection attempts in a row that never opened. */
const MAX_FAILED_CONNECTS = 200;

interface Slot {
  readonly stream: FrameStream;
  ws: WebSocket | null;
  ready: boolean;
  /** Frames to throw before the closer, or 'rate': until the server's rate limit. */
  plan: number | 'rate';
  written: number;
  acked: number;
  closer: Frame | null;
  byThrower: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** Throws the plan's frames over its sockets at its section; resolves once every socket is closed. */
async function throwFrames(target: ClientTarget, { section, frames: total, sockets, seed, maxSeconds }: ThrowPlan): Promise<ThrowStats> {
  const corpus = buildCorpus(seed);
  const url = `${target.url.replace(/^http/, 'ws')}/collab/${section}`;
  const plans = createRng(seed ^ 0x5eed);
  const slot = (i: number): Slot => ({ stream: new FrameStream(seed + 1 + i, corpus), ws: null, ready: false, plan: 0, written: 0, acked: 0, closer: null, byThrower: false, timer: undefined });
  const slots = Array.from({ length: sockets }, (_, i) => slot(i));
  const byKind = Object.fromEntries(frameKinds.map((k) => [k, 0])) as Record<FrameKind, number>;
  const stats: ThrowStats = {
    frames: 0, bytes: 0, seconds: 0, socketsOpened: 0, closesByCode: {}, closeReasons: {}, byKind, stoppedBy: 'frames',
    unplannedCloses: 0, framesUnacknowledged: 0, closersSurvived: 0, framesSkipped: 0,
  };
  let finishing = false;
  let failedConnects = 0;
  let allClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (allClosed = resolve));

  const send = (slot: Slot, ws: WebSocket, frame: Frame) => {
    ws.send(frame.bytes);
    slot.written++;
    stats.frames++;
    stats.bytes += frame.bytes.byteLength;
    stats.byKind[frame.kind]++;
  };

  const connect = (slot: Slot) => {
    const ws = new target.socketClass(url);
    Object.assign(slot, { ws, ready: false, written: 0, acked: 0, closer: null, byThrower: false, timer: undefined });
    slot.plan = plans.chance(RATE_PLANS) ? 'rate' : 200 + plans.int(1700);
    stats.socketsOpened++;
    ws.on('open', () => {
      failedConnects = 0;
      slot.ready = true;
      for (const frame of slot.stream.open()) send(slot, ws, frame);
    });
    ws.on('pong', (data: Buffer) => {
      slot.acked = Math.max(slot.acked, Number(data.toString()));
      // The server has taken in everything before the closer: from now on it has CLOSER_TIMEOUT_MS to close.
      if (slot.closer && slot.acked >= slot.written - 1 && !slot.timer) {
        slot.timer = setTimeout(() => {
          if (ws.readyState !== ws.OPEN) return; // the server's close frame is in: its 'close' follows
          stats.closersSurvived++;
          slot.byThrower = true;
          ws.close(1000, 'closer survived');
        }, CLOSER_TIMEOUT_MS);
      }
    });
    ws.on('error', () => {
      /* 'close' follows */
    });
    ws.on('close', (code: number, reason: Buffer) => onClose(slot, code, reason.toString()));
  };

  const onClose = (slot: Slot, code: number, reason: string) => {
    clearTimeout(slot.timer);
    if (!slot.ready) failedConnects++;
    if (!slot.byThrower) {
      const planned = slot.plan === 'rate' ? code === closeCode.rateLimited : slot.closer?.code === code;
      stats.closesByCode[code] = (stats.closesByCode[code] ?? 0) + 1;
      const why = `${code} ${reason.replace(/\d+/g, 'N')}${planned ? '' : ' (unplanned)'}`;
      stats.closeReasons[why] = (stats.closeReasons[why] ?? 0) + 1;
      if (!planned) stats.unplannedCloses++;
      stats.framesUnacknowledged += Math.max(0, slot.written - slot.acked - (planned && slot.closer ? 1 : 0));
    }
    slot.ws = null;
    if (failedConnects > MAX_FAILED_CONNECTS && !finishing) {
      stats.stoppedBy = 'server unreachable';
      finish();
    }
    if (finishing) {
      if (slots.every((s) => s.ws === null)) allClosed();
    } else if (code === 1006) setTimeout(() => connect(slot), 50);
    else connect(slot);
  };

  const finish = () => {
    finishing = true;
    for (const slot of slots) {
      if (!slot.ws || slot.closer) continue; // a closer in flight: the server (or its timer) closes that one
      slot.byThrower = true;
      slot.ws.close(1000, 'done');
    }
    if (slots.every((s) => s.ws === null)) allClosed();
  };

  /** One pass over the sockets: a batch for each that is open and not backed up, then a ping. */
  const pump = () => {
    let wrote = false;
    for (const slot of slots) {
      const ws = slot.ws;
      const window = slot.plan === 'rate' ? limits.messageBurst : BATCH;
      if (!ws || !slot.ready || slot.closer || ws.readyState !== ws.OPEN || ws.bufferedAmount > HIGH_WATER || slot.written - slot.acked > window) continue;
      const left = total - stats.frames;
      if (left <= 0) break;
      const n = Math.min(BATCH, left, slot.plan === 'rate' ? BATCH : slot.plan - slot.written);
      for (let i = 0; i < n; i++) send(slot, ws, slot.stream.nextSafe());
      ws.ping(String(slot.written));
      wrote = true;
      if (slot.plan !== 'rate' && slot.written >= slot.plan && stats.frames < total) {
        slot.closer = slot.stream.nextCloser();
        send(slot, ws, slot.closer);
      }
    }
    if (finishing) return;
    if (performance.now() > deadline) stats.stoppedBy = 'time cap';
    if (stats.frames >= total || stats.stoppedBy === 'time cap') finish();
    else setTimeout(pump, wrote ? 0 : 1);
  };

  const t0 = performance.now();
  const deadline = t0 + maxSeconds * 1000;
  slots.forEach(connect);
  pump();
  await closed;
  stats.seconds = (performance.now() - t0) / 1000;
  stats.framesSkipped = slots.reduce((n, s) => n + s.stream.skipped, 0);
  return stats;
}

/** The thrower process: builds its frames on 'start', throws on 'go'. */
function throwerChild(): void {
  // The frame prediction throws (and catches) several errors per frame; their stack traces are pure cost here.
  Error.stackTraceLimit = 0;
  const send = (m: FromThrower) => process.send?.(m);
  let start: Extract<ToThrower, { type: 'start' }> | null = null;
  process.on('message', (m: ToThrower) => {
    if (m.type === 'start') {
      start = m;
      send({ type: 'ready' });
      return;
    }
    if (!start) return send({ type: 'error', message: 'go before start' });
    throwFrames(targetFor(start.spec), start.plan).then(
      (stats) => send({ type: 'done', stats }),
      (err: unknown) => send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
}

function nextMessage<K extends FromThrower['type']>(proc: ChildProcess, type: K): Promise<Extract<FromThrower, { type: K }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`fuzz thrower exited with ${code}`));
    const onMessage = (m: FromThrower) => {
      if (m.type !== type && m.type !== 'error') return;
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      if (m.type === 'error') reject(new Error(`fuzz thrower: ${m.message}`));
      else resolve(m as Extract<FromThrower, { type: K }>);
    };
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
}

/** Stock clients in `section`; once started, each edits every `intervalMs` until stopped (the edit log of bench/clients.ts). */
function editingRoom(target: Target, section: string, count: number) {
  const latencies: number[] = [];
  const clients: BenchClient[] = Array.from({ length: count }, (_, i) => connectClient(target, section, i, (_r, _s, _q, ms) => latencies.push(ms)));
  const sent = clients.map(() => 0);
  let timers: NodeJS.Timeout[] = [];
  return {
    clients,
    latencies,
    sent,
    start(intervalMs: number) {
      timers = clients.map((client, i) => setInterval(() => edit(client, sent[i]!++), intervalMs));
    },
    stop() {
      timers.forEach((t) => clearInterval(t));
    },
    /** Edits each client should have received: everyone else's. */
    expected: (i: number) => sent.reduce((n, s, j) => (j === i ? n : n + s), 0),
  };
}

async function healthz(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface FuzzOptions {
  frames: number;
  /** Hostile sockets open at once (default 8). */
  sockets?: number;
  /** The frames' seed: the same seed throws the same frames on each socket. */
  seed?: number;
  /** The throw stops here even when frames are left (default 150 s), so a slow server cannot stall the bench. */
  maxSeconds?: number;
}

/**
 * Throws `frames` frames at the target's last section over `sockets` sockets while
 * three stock clients edit the section before it (5 edits/s each). Both rooms are
 * left changed: the fuzzed one may be full (its document limit refuses more).
 */
export async function runFuzz(target: Target, opts: FuzzOptions): Promise<FuzzResult> {
  const sockets = opts.sockets ?? 8;
  const seed = opts.seed ?? 20_260_303;
  const maxSeconds = opts.maxSeconds ?? 75;
  const fuzzed = target.sections.at(-1);
  const quiet = target.sections.at(-2);
  if (!fuzzed || !quiet) throw new Error('the fuzz scenario needs two sections');
  const plan: ThrowPlan = { section: fuzzed, frames: opts.frames, sockets, seed, maxSeconds };

  const room2 = editingRoom(target, quiet, 3);
  await connectAll(room2.clients);
  const proc = fork(fileURLToPath(import.meta.url), ['--fuzz-child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    proc.send({ type: 'start', spec: specOf(target), plan } satisfies ToThrower);
    await nextMessage(proc, 'ready');
    const cpu0 = target.server.cpuSeconds();
    const t0 = performance.now();
    const { stats, loopDelayMs, memory } = await withInspector(target.server.inspectorUrl, async (inspector) => {
      await inspector.startLoopDelay('fuzz');
      room2.start(200);
      proc.send({ type: 'go' } satisfies ToThrower);
      const done = await nextMessage(proc, 'done').finally(() => room2.stop());
      // A server that died mid-throw never answers: its loop delay is unknown (NaN), the rest is still reported.
      const unknown = new Promise<FuzzResult['loopDelayMs']>((resolve) => setTimeout(() => resolve({ p50: NaN, p99: NaN, max: NaN }), 5000).unref());
      const loopDelayMs = await Promise.race([inspector.stopLoopDelay('fuzz').catch(() => unknown), unknown]);
      const memory = await inspector.evaluate<{ heapUsed: number; external: number }>('process.memoryUsage()').catch(() => ({ heapUsed: NaN, external: NaN }));
      return { stats: done.stats, loopDelayMs, memory };
    });
    const cpu = (target.server.cpuSeconds() - cpu0) / ((performance.now() - t0) / 1000);
    const rss = target.server.rssBytes();
    await waitUntil(() => room2.clients.every((c, i) => c.received >= room2.expected(i)), 15_000, 'second room edits delivered').catch(() => {});
    const lost = room2.clients.reduce((n, c, i) => n + Math.max(0, room2.expected(i) - c.received), 0);
    return {
      target: target.label,
      seed,
      sockets,
      requestedFrames: opts.frames,
      maxSeconds,
      ...stats,
      framesPerSecond: Math.round(stats.frames / stats.seconds),
      loopDelayMs,
      room2: {
        clients: room2.clients.length,
        editsSent: room2.sent.reduce((a, b) => a + b, 0),
        editsLost: lost,
        latencyMs: { p50: percentile(room2.latencies, 50), p95: percentile(room2.latencies, 95), p99: percentile(room2.latencies, 99), count: room2.latencies.length },
      },
      serverCpuPercent: Math.round(cpu * 1000) / 10,
      serverRssMiB: mib(rss),
      serverHeapMiB: mib(memory.heapUsed),
      serverExternalMiB: mib(memory.external),
      serverAlive: isAlive(target.server.pid),
      healthzOk: await healthz(target.url),
    };
  } finally {
    room2.stop();
    room2.clients.forEach((c) => c.destroy());
    if (proc.exitCode === null) proc.kill();
  }
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const line = (label: string, value: string, target = '') => console.log(`${label.padEnd(28)} ${value.padEnd(58)} ${target}`);

/** A few aligned lines, with the targets. */
export function printFuzz(r: FuzzResult): void {
  console.log(`\n=== fuzz: ${r.requestedFrames.toLocaleString('en')} frames at one room of ${r.target} (seed ${r.seed}) ===`);
  const stopped = r.stoppedBy === 'frames' ? '' : `STOPPED by ${r.stoppedBy === 'time cap' ? `the ${r.maxSeconds} s time cap` : 'an unreachable server'}`;
  line('frames thrown', `${r.frames} in ${r.seconds.toFixed(1)} s = ${r.framesPerSecond}/s, ${(r.bytes / 2 ** 20).toFixed(1)} MiB`, stopped);
  line('sockets', `${r.sockets} at once, ${r.socketsOpened} opened`);
  const closes = Object.entries(r.closesByCode).map(([code, n]) => `${code}: ${n}`);
  line('server closes by code', closes.join(', ') || 'none', `unplanned ${r.unplannedCloses}, unacknowledged frames <= ${r.framesUnacknowledged}`);
  line('frames by kind', frameKinds.map((k) => `${k} ${r.byKind[k]}`).join(', '));
  line('server loop delay ms', `p50 ${ms(r.loopDelayMs.p50)}  p99 ${ms(r.loopDelayMs.p99)}  max ${ms(r.loopDelayMs.max)}`, 'loop delay p99 < 200 ms');
  const l = r.room2.latencyMs;
  line('second room latency ms', `p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  (${r.room2.clients} clients)`);
  line('second room edits sent/lost', `${r.room2.editsSent}/${r.room2.editsLost}`, 'lost = 0');
  line('server CPU / RSS', `${r.serverCpuPercent} % / ${r.serverRssMiB} MiB (V8 heap ${r.serverHeapMiB}, outside it ${r.serverExternalMiB})`);
  line('server afterwards', `${r.serverAlive ? 'alive' : 'DEAD'}, /healthz ${r.healthzOk ? '200' : 'FAILED'}`, 'alive, 200');
}

if (process.argv.includes('--fuzz-child')) throwerChild();
