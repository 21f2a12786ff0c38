import { connectAll, connectClient, mib, sleep, specOf, type Target } from './clients';
import type { CapacityLayout } from './capacity-layout';
import { assertFdLimit } from './fd-limit';
import { heapByKind, heapGrowth, type HeapKind } from './heap-breakdown';
import { IdleFleet } from './idle-fleet';
import { withInspector } from './inspector';
import { ProbeProcess } from './probe';
import { summarize, type LatencySummary } from './scenarios';

/** The server's `process.memoryUsage()` (bytes), read through its inspector. */
export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** Growth over the baseline per 1,000 connections, KiB, by where V8 and Node count it. */
export interface MemoryPerThousand {
  /** As the OS sees it. */
  rss: number;
  /** The JS heap's live and not yet collected objects (our Connections, rooms, Y.Docs, ws objects). */
  heapUsed: number;
  /** Heap pages V8 holds from the OS (used plus free). */
  heapTotal: number;
  /** Memory outside the heap that V8 is told of: Buffers and ArrayBuffers (socket buffers, frames). */
  external: number;
  arrayBuffers: number;
}

/** One side's ramp. */
export interface CapacityResult {
  steps: CapacityStep[];
  /** Why the ramp stopped short (its steps so far stand), or null. */
  error: string | null;
  /**
   * With `--heap-breakdown`: the JS heap's growth by kind of object per 1,000
   * connections, from heap snapshots at the baseline and at the last step
   * (the snapshots disturb that run's RSS figures).
   */
  heap: { kinds: HeapKind[]; totalBytes: number } | null;
}

export interface CapacityStep {
  connections: number;
  sections: number;
  /** Accounts holding these connections (Twinpad: signed-up users; the reference has no accounts). */
  accounts: number;
  rssMiB: number;
  /**
   * RSS growth per connection as the OS sees it, with no forced GC: the server's
   * RSS now, less its RSS at rest before the ramp (after a warm-up and a full GC).
   */
  kibPerConnection: number;
  /** The same growth after a forced full GC (the old figure); on the last step only. */
  kibPerConnectionAfterGc: number | null;
  /** Where the growth is, per 1,000 connections (no forced GC: garbage not yet collected counts, mostly in heapUsed). */
  perThousand: MemoryPerThousand;
  /** The same after the forced GC (live memory: where idle connections really sit); on the last step only. */
  perThousandAfterGc: MemoryPerThousand | null;
  /** Seconds the ramp to this step took (connect and first sync). */
  rampSeconds: number;
  probe: LatencySummary;
  /**
   * The server's event-loop delay during the probe (perf_hooks, through its
   * inspector): a probe tail with a loop delay as long is the server's own
   * stall (a GC, a burst over every socket); without it, it is the machine.
   */
  loopDelay: { p50: number; p99: number; max: number };
}

async function memoryUsage(target: Target): Promise<MemoryUsage> {
  return withInspector(target.server.inspectorUrl, (inspector) => inspector.evaluate<MemoryUsage>('process.memoryUsage()'));
}

/** RSS after a full garbage collection in the server process (through its inspector). */
async function liveRss(target: Target): Promise<number> {
  await withInspector(target.server.inspectorUrl, (inspector) => inspector.collectGarbage());
  return target.server.rssBytes();
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const kib = (bytes: number, per: number) => Math.round((bytes / 1024 / per) * 10) / 10;

function perThousand(now: MemoryUsage, base: MemoryUsage, connections: number): MemoryPerThousand {
  const per = connections / 1000;
  return {
    rss: kib(now.rss - base.rss, per),
    heapUsed: kib(now.heapUsed - base.heapUsed, per),
    heapTotal: kib(now.heapTotal - base.heapTotal, per),
    external: kib(now.external - base.external, per),
    arrayBuffers: kib(now.arrayBuffers - base.arrayBuffers, per),
  };
}

/**
 * Ramps idle synced clients (`layout`, in its ramp order) to each of `steps`,
 * measuring the server's memory per connection and a probe edit's latency.
 * The idle clients live in client processes of their own (bench/idle-fleet.ts),
 * the probe's sender and receiver in another (bench/probe.ts), so neither the
 * idle clients' work nor the bench's is counted as server latency.
 */
export async function runCapacity(
  target: Target,
  layout: CapacityLayout,
  steps: readonly number[],
  probeMs: number,
  opts: { heapBreakdown?: boolean } = {},
): Promise<CapacityResult> {
  const goal = steps.at(-1) ?? 0;
  if (goal > layout.sockets.length) throw new Error(`the layout has ${layout.sockets.length} sockets, the ramp wants ${goal}`);
  try {
    // Too low an open-file limit is reported as the ramp's error, and the other scenarios go on.
    assertFdLimit(target.server.pid, `the ${target.label} server`, goal);
  } catch (err) {
    return { steps: [], error: err instanceof Error ? err.message : String(err), heap: null };
  }
  const probeSection = layout.sockets[0]!.section;
  const probe = await ProbeProcess.start(specOf(target), probeSection);
  let fleet: IdleFleet;
  try {
    fleet = await IdleFleet.start(goal, target.label, target.url, layout.accounts);
  } catch (err) {
    await probe.stop();
    return { steps: [], error: err instanceof Error ? err.message : String(err), heap: null };
  }
  const results: CapacityStep[] = [];
  let error: string | null = null;
  let heap: CapacityResult['heap'] = null;
  try {
    // Warm-up: one batch connects and leaves, so the baseline already holds what the first
    // connections allocate once (statement caches, buffers); then GCs a second or two apart,
    // as freed memory reaches the OS over a few seconds. The baseline is the server at rest.
    const warmSections = [...new Set(layout.sockets.slice(0, 100).map((s) => s.section))];
    const warm = warmSections.map((section, i) => connectClient(target, section, 2_000_000 + i));
    await connectAll(warm, 120_000);
    warm.forEach((c) => c.destroy());
    // The lowest of three GC'd readings a second or two apart: a server still giving memory back
    // (PGlite after a restart) would otherwise set a baseline the ramp later falls under.
    await sleep(2000);
    let baseline = await liveRss(target);
    for (let i = 0; i < 2; i++) {
      await sleep(1500);
      baseline = Math.min(baseline, await liveRss(target));
    }
    const baseUsage = await memoryUsage(target);
    const heapBefore = opts.heapBreakdown ? await heapByKind(target.server.inspectorUrl) : null;
    const accounts = new Set<number>();
    for (const [i, count] of steps.entries()) {
      const t0 = performance.now();
      const adding = layout.sockets.slice(fleet.size, count);
      adding.forEach((s) => accounts.add(s.account));
      await fleet.open(adding);
      const rampSeconds = Math.round((performance.now() - t0) / 100) / 10;
      await sleep(1000);
      await withInspector(target.server.inspectorUrl, (inspector) => inspector.startLoopDelay('capacity'));
      const latencies = await probe.probe(probeMs);
      const loopDelay = await withInspector(target.server.inspectorUrl, (inspector) => inspector.stopLoopDelay('capacity'));
      const rss = target.server.rssBytes();
      const usage = await memoryUsage(target);
      // The forced GC only after the last step's reading: earlier it would lower the next step's figure.
      const last = i === steps.length - 1;
      const afterGc = last ? await liveRss(target) : null;
      const usageAfterGc = last ? await memoryUsage(target) : null;
      results.push({
        connections: fleet.size,
        sections: new Set(layout.sockets.slice(0, fleet.size).map((s) => s.section)).size,
        accounts: layout.accounts[0] === null ? 0 : accounts.size,
        rssMiB: mib(rss),
        kibPerConnection: kib(rss - baseline, fleet.size),
        kibPerConnectionAfterGc: afterGc === null ? null : kib(afterGc - baseline, fleet.size),
        perThousand: perThousand(usage, baseUsage, fleet.size),
        perThousandAfterGc: usageAfterGc && perThousand(usageAfterGc, baseUsage, fleet.size),
        rampSeconds,
        probe: summarize(latencies),
        loopDelay: { p50: round1(loopDelay.p50), p99: round1(loopDelay.p99), max: round1(loopDelay.max) },
      });
    }
    if (heapBefore) heap = heapGrowth(heapBefore, await heapByKind(target.server.inspectorUrl), fleet.size);
  } catch (err) {
    // A ramp that fails (a socket refused, a sync that never came) stops short: the steps so far stand.
    error = err instanceof Error ? err.message : String(err);
  } finally {
    await fleet.stop();
    await probe.stop();
  }
  await sleep(1000);
  return { steps: results, error, heap };
}
