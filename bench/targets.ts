import type { BackendReport } from './report';

/**
 * The targets of issue 17, each as one row: what was measured, what it is held
 * against (a floor, the reference server, or a plain limit), the ratio, and
 * PASS or MISS. Every row is printed and written to the JSON on every run; a
 * scenario left out with `--only` shows as "not run", and a `--quick` run's
 * rows are marked quick (smaller counts: they do not judge the full targets).
 */
export interface TargetRow {
  backend: 'pglite' | 'postgres' | 'none';
  name: string;
  unit: 'ms' | 'KiB' | 'MiB' | 'MB/s' | 'x' | 'count' | 'connections';
  /** NaN when the scenario did not run. */
  measured: number;
  /** What `measured` is compared with: the floor (reference + one commit's p50), the reference's figure, or null. */
  against: { kind: 'floor' | 'reference'; value: number } | null;
  /** measured / against.value (NaN without one). */
  ratio: number;
  /** How the target reads, e.g. "<= 1.1x floor" or "<= 12 KiB". */
  target: string;
  status: 'PASS' | 'MISS' | 'not run';
  quick: boolean;
}

export type TargetRule = { kind: 'ratio'; max: number; of: 'floor' | 'reference' } | { kind: 'at-most'; max: number } | { kind: 'at-least'; min: number };

interface RowInput {
  backend: TargetRow['backend'];
  name: string;
  unit: TargetRow['unit'];
  measured: number | undefined;
  against: TargetRow['against'];
  rule: TargetRule;
  quick: boolean;
}

function judge(rule: TargetRule, measured: number, ratio: number): boolean {
  switch (rule.kind) {
    case 'ratio':
      return ratio <= rule.max;
    case 'at-most':
      return measured <= rule.max;
    case 'at-least':
      return measured >= rule.min;
    default: {
      const never: never = rule;
      throw new Error(`unknown rule ${JSON.stringify(never)}`);
    }
  }
}

function ruleText(rule: TargetRule, unit: TargetRow['unit']): string {
  switch (rule.kind) {
    case 'ratio':
      return `<= ${rule.max}x ${rule.of}`;
    case 'at-most':
      return `<= ${rule.max.toLocaleString('en')} ${unit}`;
    case 'at-least':
      return `>= ${rule.min.toLocaleString('en')} ${unit}`;
    default: {
      const never: never = rule;
      throw new Error(`unknown rule ${JSON.stringify(never)}`);
    }
  }
}

/** One target row; a missing measurement (scenario not run, or NaN) is "not run". */
export function targetRow(input: RowInput): TargetRow {
  const measured = input.measured ?? Number.NaN;
  const ratio = input.against && input.against.value > 0 ? measured / input.against.value : Number.NaN;
  const ran = Number.isFinite(measured) && (input.rule.kind !== 'ratio' || Number.isFinite(ratio));
  return {
    backend: input.backend,
    name: input.name,
    unit: input.unit,
    measured,
    against: input.against,
    ratio,
    target: ruleText(input.rule, input.unit),
    status: ran ? (judge(input.rule, measured, ratio) ? 'PASS' : 'MISS') : 'not run',
    quick: input.quick,
  };
}

/** The full run's capacity goal; `--quick` ramps to less. */
export const CAPACITY_GOAL = { connections: 10_000, sections: 2_000, kibPerConnection: 12, probeP99Ms: 50 } as const;
/** The full run's cold-load size. */
export const COLD_GOAL_UPDATES = 50_000;

const RATE_TARGETS = [
  { scenario: 'pair', metric: 'all p50', max: 1.1 },
  { scenario: 'workshop', metric: 'first p99', max: 1.25 },
  { scenario: 'rooms', metric: 'all p50', max: 1.25 },
] as const;

/** Every target row of one backend's report. */
export function backendTargets(r: BackendReport, quick: boolean, capacityGoal: number): TargetRow[] {
  const rows: TargetRow[] = [];
  const backend = r.backend;
  for (const t of RATE_TARGETS) {
    const pair = r.rates.find((x) => x.twinpad.scenario === t.scenario);
    const floor = r.floor.find((f) => f.label === t.scenario);
    const pick = (x: { all: { p50: number }; first: { p99: number } }) => (t.metric === 'all p50' ? x.all.p50 : x.first.p99);
    rows.push(
      targetRow({
        backend,
        name: `${t.scenario} ${t.metric}`,
        unit: 'ms',
        measured: pair ? pick(pair.twinpad) : undefined,
        // The floor: the reference's figure plus one commit's p50 at the scenario's arrival gap.
        against: pair && floor ? { kind: 'floor', value: pick(pair.reference) + floor.commit.p50 } : null,
        rule: { kind: 'ratio', max: t.max, of: 'floor' },
        quick,
      }),
    );
  }
  const cold = [...r.cold].sort((a, b) => b.updates - a.updates)[0];
  rows.push(
    targetRow({
      backend,
      name: `cold load ${(cold?.updates ?? COLD_GOAL_UPDATES).toLocaleString('en')} updates`,
      unit: 'ms',
      measured: cold?.twinpadAfterRestartMs,
      against: cold ? { kind: 'reference', value: cold.referenceInMemoryMs } : null,
      rule: { kind: 'ratio', max: 2, of: 'reference' },
      quick: quick || (cold !== undefined && cold.updates < COLD_GOAL_UPDATES),
    }),
  );
  const cap = r.capacity.twinpad.at(-1);
  const ref = r.capacity.reference.at(-1);
  const capQuick = quick || (cap !== undefined && cap.connections < CAPACITY_GOAL.connections);
  const where = `${(cap?.sections ?? CAPACITY_GOAL.sections).toLocaleString('en')} sections`;
  rows.push(
    targetRow({
      backend,
      name: `capacity connections held, ${where}`,
      unit: 'connections',
      // A ramp that stopped before its first step held none: a MISS, not "not run".
      measured: cap?.connections ?? (r.capacity.errors.twinpad ? 0 : undefined),
      against: null,
      // Held: every socket of the ramp synced (a ramp that fails stops short, or has no step at all).
      rule: { kind: 'at-least', min: capacityGoal },
      quick: capQuick,
    }),
    targetRow({
      backend,
      name: `capacity KiB/conn (RSS, no GC)`,
      unit: 'KiB',
      measured: cap?.kibPerConnection,
      against: ref ? { kind: 'reference', value: ref.kibPerConnection } : null,
      rule: { kind: 'at-most', max: CAPACITY_GOAL.kibPerConnection },
      quick: capQuick,
    }),
    targetRow({
      backend,
      name: `capacity probe p99`,
      unit: 'ms',
      measured: cap?.probe.p99,
      against: ref ? { kind: 'reference', value: ref.probe.p99 } : null,
      rule: { kind: 'at-most', max: CAPACITY_GOAL.probeP99Ms },
      quick: capQuick,
    }),
  );
  return rows;
}

const fmt = (n: number) => (Number.isFinite(n) ? (Math.round(n * 100) / 100).toFixed(2) : 'n/a');

function cells(values: string[]): string {
  const widths = [9, 44, 12, 18, 8, 16];
  return values.map((c, i) => c.padEnd(widths[i] ?? 10)).join(' ');
}

/** The final "targets" block: one line per target, every backend. */
export function printTargets(rows: readonly TargetRow[]): void {
  console.log('\n=== targets ===');
  console.log(cells(['backend', 'target', 'measured', 'floor / reference', 'ratio', 'target', 'result']));
  for (const r of rows) {
    const measured = r.unit === 'connections' ? (Number.isFinite(r.measured) ? String(r.measured) : 'n/a') : `${fmt(r.measured)} ${r.unit}`;
    const against = r.against ? `${fmt(r.against.value)} (${r.against.kind === 'floor' ? 'floor' : 'ref'})` : '';
    // Three decimals: a ratio of 1.104 against a 1.1 target must not read as 1.10 and MISS.
    const ratio = Number.isFinite(r.ratio) ? `${r.ratio.toFixed(3)}x` : '';
    console.log(cells([r.backend, r.name, measured, against, ratio, r.target, r.status + (r.quick ? ' (quick)' : '')]));
  }
}
