import type { CommitFloor } from './commit-floor';
import type { FuzzResult } from './fuzz';
import { rightsRows, type RightsResult } from './rights';
import type { CapacityStep } from './capacity';
import type { HeapKind } from './heap-breakdown';
import type { RateResult } from './scenarios';

export interface BackendReport {
  backend: 'pglite' | 'postgres';
  floor: CommitFloor[];
  rates: { twinpad: RateResult; reference: RateResult }[];
  /** Each side's ramp; `errors` holds why a ramp stopped short (its steps so far are kept). */
  capacity: {
    twinpad: CapacityStep[];
    reference: CapacityStep[];
    errors: { twinpad: string | null; reference: string | null };
    /** `--heap-breakdown`: JS heap growth by kind per 1,000 connections. */
    heap: { twinpad: { kinds: HeapKind[]; totalBytes: number } | null; reference: { kinds: HeapKind[]; totalBytes: number } | null };
  };
  cold: { updates: number; twinpadAfterRestartMs: number; twinpadAfterRestartEachMs: number[]; twinpadReloadMedianMs: number; referenceInMemoryMs: number }[];
  fuzz: FuzzResult | null;
  /** Rights change, approval and meeting focus latencies (`--only rights`), against the 1 s target. */
  rights: RightsResult | null;
}

const fmt = (n: number) => (Number.isFinite(n) ? (Math.round(n * 100) / 100).toFixed(2) : 'n/a');
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : 'n/a');

function row(cells: (string | number)[]): string {
  const widths = [30, 12, 12, 9, 22];
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 10)).join(' ');
}

/** Prints Twinpad against the baseline with the ratios and the targets. */
export function printReport(reports: BackendReport[]): void {
  for (const r of reports) {
    console.log(`\n=== Twinpad (${r.backend}) vs reference in-memory y-websocket server ===`);
    console.log(row(['metric (ms unless noted)', 'twinpad', 'reference', 'ratio', 'target']));
    for (const { twinpad: t, reference: b } of r.rates) {
      // The targets are held against the floor below (see the final "targets" block).
      const target = (metric: string) =>
        t.scenario === 'workshop' && metric === 'first p99' ? '<= 1.25x floor' : t.scenario === 'pair' && metric === 'all p50' ? '<= 1.1x floor' : t.scenario === 'rooms' && metric === 'all p50' ? '<= 1.25x floor' : '';
      console.log(row([`${t.scenario} all p50`, fmt(t.all.p50), fmt(b.all.p50), ratio(t.all.p50, b.all.p50), target('all p50')]));
      console.log(row([`${t.scenario} all p95`, fmt(t.all.p95), fmt(b.all.p95), ratio(t.all.p95, b.all.p95), '']));
      console.log(row([`${t.scenario} all p99`, fmt(t.all.p99), fmt(b.all.p99), ratio(t.all.p99, b.all.p99), '']));
      console.log(row([`${t.scenario} first p50`, fmt(t.first.p50), fmt(b.first.p50), ratio(t.first.p50, b.first.p50), '']));
      console.log(row([`${t.scenario} first p99`, fmt(t.first.p99), fmt(b.first.p99), ratio(t.first.p99, b.first.p99), target('first p99')]));
      console.log(row([`${t.scenario} edits sent / lost`, `${t.editsSent}/${t.editsLost}`, `${b.editsSent}/${b.editsLost}`, '', 'lost = 0']));
      console.log(row([`${t.scenario} server CPU %`, t.cpuPercent, b.cpuPercent, ratio(t.cpuPercent, b.cpuPercent), '']));
      console.log(row([`${t.scenario} server RSS MiB`, t.rssMiB, b.rssMiB, ratio(t.rssMiB, b.rssMiB), '']));
      const floor = r.floor.find((f) => f.label === t.scenario);
      if (floor) {
        // Every relay waits for one commit: the reference's latency plus a typical (p50) commit
        // estimates the least Twinpad can show (an estimate: a percentile of a sum is not the sum of percentiles).
        const [metric, ref] = t.scenario === 'workshop' ? ['first p99', b.first.p99] : ['all p50', b.all.p50];
        const commit = floor.commit.p50;
        console.log(row([`${t.scenario} commit (${floor.gapMs} ms gap)`, `${fmt(commit)} / ${fmt(floor.commit.p99)}`, '', '', 'p50 / p99']));
        console.log(row([`${t.scenario} floor ref+commit`, fmt(ref + commit), fmt(ref), ratio(ref + commit, ref), `~least ${metric} ratio`]));
      }
    }
    const hot = r.floor.find((f) => f.label === 'hot');
    if (hot) console.log(row(['commit alone, back to back', `${fmt(hot.commit.p50)} / ${fmt(hot.commit.p99)}`, '', '', 'p50 / p99']));
    for (const [i, t] of r.capacity.twinpad.entries()) {
      const b = r.capacity.reference[i];
      const last = i === r.capacity.twinpad.length - 1;
      const who = `${t.connections} over ${t.sections} sections, ${t.accounts} accounts`;
      console.log(row([`capacity ${t.connections} KiB/conn`, t.kibPerConnection, b?.kibPerConnection ?? 'n/a', ratio(t.kibPerConnection, b?.kibPerConnection ?? 0), last ? '<= 12 KiB (RSS, no GC)' : '']));
      if (t.kibPerConnectionAfterGc !== null) console.log(row([`  (after a forced GC)`, t.kibPerConnectionAfterGc, b?.kibPerConnectionAfterGc ?? 'n/a', '', '']));
      const p = t.perThousand;
      console.log(row([`  KiB per 1,000: heap/ext/ab`, `${p.heapUsed} / ${p.external} / ${p.arrayBuffers}`, b ? `${b.perThousand.heapUsed} / ${b.perThousand.external} / ${b.perThousand.arrayBuffers}` : '', '', 'heapUsed / external / arrayBuffers']));
      const g = t.perThousandAfterGc;
      const bg = b?.perThousandAfterGc;
      if (g) console.log(row([`  same after GC`, `${g.heapUsed} / ${g.external} / ${g.arrayBuffers}`, bg ? `${bg.heapUsed} / ${bg.external} / ${bg.arrayBuffers}` : '', '', 'live memory']));
      console.log(row([`capacity ${t.connections} probe p99`, fmt(t.probe.p99), fmt(b?.probe.p99 ?? Number.NaN), ratio(t.probe.p99, b?.probe.p99 ?? 0), last ? '<= 50 ms' : '']));
      const loop = (x: CapacityStep) => `${x.loopDelay.p99} / ${x.loopDelay.max}`;
      console.log(row([`  server loop delay p99/max`, loop(t), b ? loop(b) : '', '', 'ms, during the probe']));
      console.log(row([`  (ramp s, RSS MiB)`, `${t.rampSeconds} / ${t.rssMiB}`, b ? `${b.rampSeconds} / ${b.rssMiB}` : '', '', who]));
    }
    for (const side of ['twinpad', 'reference'] as const) {
      const error = r.capacity.errors[side];
      if (error) console.log(`capacity ramp (${side}) stopped: ${error}`);
    }
    for (const c of r.cold) {
      console.log(row([`cold load ${c.updates} updates`, fmt(c.twinpadAfterRestartMs), fmt(c.referenceInMemoryMs), ratio(c.twinpadAfterRestartMs, c.referenceInMemoryMs), c.updates >= 50_000 ? '<= 2x ref' : '']));
      console.log(row([`  (each restart)`, c.twinpadAfterRestartEachMs.map(fmt).join(' / '), '', '', '']));
      console.log(row([`room reload ${c.updates} (median)`, fmt(c.twinpadReloadMedianMs), '', '', '']));
    }
    if (r.rights) for (const [metric, value, target] of rightsRows(r.rights)) console.log(row([metric, value, '', '', target]));
  }
  console.log('\n(reference cold load is an in-memory load: it keeps nothing across a restart)');
}
