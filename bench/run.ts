/**
 * `npm run bench`: Twinpad against the reference in-memory y-websocket server,
 * in the same run, on the same machine. Prints a table and writes JSON to bench/results/.
 *
 *   npm run bench                 # full run (PGlite; then Postgres when DATABASE_URL is set)
 *   npm run bench -- --quick      # shorter scenarios, for a smoke run
 *   npm run bench -- --instances 2  # also: workshop split across 2 instances (Postgres + Redis)
 *   npm run bench -- --only pair,rooms  # just these scenarios (pair, workshop, rooms, capacity, cold, fuzz, rights)
 *   npm run bench -- --only capacity    # 10,000 idle connections over 2,000 sections and 500 accounts (--quick: 1,000 over 200)
 *   npm run bench -- --only capacity --quick --heap-breakdown  # where idle-connection memory sits, by kind of object
 *   npm run bench -- --only rights --quick  # rights change / approval / meeting focus latencies against the 1 s target
 *   (each backend starts with the commit floor: the server's append alone, at each rate scenario's arrival gap)
 *   npm run bench -- --only fuzz --fuzz-seconds 400  # the whole 1,000,000 frames (the default run caps the fuzz at 60 s)
 *   npm run bench -- --only export-patterns,heavy-work,soak  # issue 16: export MB/s per pathological pattern,
 *     other rooms' latency while a 5 MB proposal is snapshotted and exported, RSS under 100 non-reading sockets
 *
 * The run ends with one "targets" block (bench/targets.ts): every target of issue 17 with
 * its measured value, its floor or reference, the ratio, and PASS or MISS; the JSON has the
 * same rows under `targets`. A `--quick` run prints every row too, marked quick.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromProcess } from '../server/config';
import { openPostgres } from '../server/db/sql';
import { referenceTarget, seedTwinpad, twinpadTarget, type Target } from './clients';
import { startReference, startTwinpad, type ServerProcess, type TwinpadEnv } from './processes';
import { runRatePair, timeFreshLoad, typeKeystrokes, type RateResult, type RateSpec } from './scenarios';
import { runCapacity, type CapacityResult } from './capacity';
import { createCapacityProposals, referenceLayout, seedCapacityAccounts, withBackendDatabase } from './capacity-layout';
import { printHeapGrowth } from './heap-breakdown';
import { backendTargets, CAPACITY_GOAL, printTargets, type TargetRow } from './targets';
import { printReport, type BackendReport } from './report';
import { printFuzz, runFuzz, type FuzzResult } from './fuzz';
import { measureCommitFloor, openFloorDatabase } from './commit-floor';
import { benchInstances, printInstancesReport, type InstancesReport } from './instances';
import { runRights, type RightsResult } from './rights';
import { runReaderBench } from './reader';
import { printPgliteBench, runPgliteBench } from './pglite';
import { runExportPatternsBench } from './export-patterns';
import { runHeavyWorkBench } from './heavy-work';
import { runSoakBench } from './soak';

const quick = process.argv.includes('--quick');
const instancesArg = process.argv.indexOf('--instances');
const instances = instancesArg >= 0 ? Number(process.argv[instancesArg + 1]) : 1;
if (!Number.isInteger(instances) || instances < 1) throw new Error('--instances takes a whole number >= 1');
/** Scenarios run against each backend, side by side with the reference server. */
const backendScenarios = ['pair', 'workshop', 'rooms', 'capacity', 'cold', 'fuzz', 'rights'] as const;

/**
 * A standalone bench: it needs no server pair, runs once after the backends, and
 * its result goes to the JSON under `standalone.<name>` (its target rows, if any,
 * to the final targets block). `--only <name>` runs it alone.
 */
interface StandaloneScenario {
  name: string;
  run(opts: { quick: boolean }): Promise<{ result: unknown; targets: TargetRow[]; print?: () => void }>;
}

/**
 * Standalone scenarios: `reader` (bench/reader.ts: the one document reader of
 * shared/document against the walkers it replaced, y-tiptap's converter and the
 * depth check) and `pglite` (bench/pglite.ts: the hot statements through the
 * PGlite backend's public-API path against plain `query`). Each runs by default
 * and alone with `--only reader` / `--only pglite`; its result goes to the JSON
 * under `standalone.<name>`.
 */
const standaloneScenarios: StandaloneScenario[] = [
  { name: 'reader', run: async ({ quick }) => ({ result: await runReaderBench(quick ? { budgetMs: 300 } : {}), targets: [] }) },
  {
    name: 'pglite',
    run: async ({ quick }) => {
      const result = await runPgliteBench(quick ? { rows: 10_000 } : {});
      return { result, targets: [], print: () => printPgliteBench(result) };
    },
  },
  // Issue 16: pathological text exports linearly (MB/s per pattern), heavy work leaves other rooms alone,
  // and 100 non-reading sockets cannot hold the instance's memory.
  { name: 'export-patterns', run: runExportPatternsBench },
  { name: 'heavy-work', run: runHeavyWorkBench },
  { name: 'soak', run: runSoakBench },
];

const scenarioNames: readonly string[] = [...backendScenarios, ...standaloneScenarios.map((s) => s.name)];
const onlyArg = process.argv.indexOf('--only');
const only = new Set<string>(onlyArg >= 0 ? (process.argv[onlyArg + 1] ?? '').split(',').filter(Boolean) : scenarioNames);
for (const name of only) {
  if (!(scenarioNames as readonly string[]).includes(name)) throw new Error(`--only takes a comma list of: ${scenarioNames.join(', ')}`);
}
// Each stock y-websocket provider adds a process 'exit' listener in Node.
process.setMaxListeners(0);
const seconds = quick ? 4_000 : 10_000;
/** Each rate scenario alternates reference and Twinpad in this many slices apiece. */
const rateSlices = quick ? 2 : 3;
const rateSpecs: RateSpec[] = [
  { scenario: 'pair', sections: 1, clientsPerSection: 2, editsPerSecond: 20, durationMs: seconds },
  { scenario: 'workshop', sections: 1, clientsPerSection: 50, editsPerSecond: 2, durationMs: seconds },
  { scenario: 'rooms', sections: 100, clientsPerSection: 3, editsPerSecond: 1, durationMs: seconds },
];
/**
 * Idle connections: 5 per section over `capacitySections`, 20 per account (bench/capacity-layout.ts).
 * The ramp's last step is the target's count; RSS is read as the OS sees it (no forced GC).
 */
const capacitySections = quick ? 200 : CAPACITY_GOAL.sections;
const capacitySteps = quick ? [200, 1_000] : [2_000, 5_000, CAPACITY_GOAL.connections];
const probeMs = quick ? 2_000 : 6_000;
/** `--heap-breakdown`: heap snapshots of each server before and after the capacity ramp, by kind of object (diagnostic; disturbs that run's RSS figures). */
const heapBreakdown = process.argv.includes('--heap-breakdown');
const coldSizes = quick ? [2_000] : [10_000, 50_000];
/** Each cold load is measured after this many restarts (a single first load is one noisy sample); the median is the figure. */
const coldRestarts = quick ? 1 : 3;
/** Frames thrown at one room (on the first backend only; it leaves that room full of junk). */
const fuzzFrames = quick ? 20_000 : 1_000_000;
/** The fuzz stops at this time cap (s) if the frames are not all thrown by then: `--fuzz-seconds 400` for a whole million (the cap keeps the run under 10 minutes). */
const fuzzSecondsArg = process.argv.indexOf('--fuzz-seconds');
const fuzzSeconds = fuzzSecondsArg >= 0 ? Number(process.argv[fuzzSecondsArg + 1]) : 60;
if (!(fuzzSeconds > 0)) throw new Error('--fuzz-seconds takes a number of seconds');
/** Samples of each rights latency (owner change, approval, meeting focus). */
const rightsSamples = quick ? 5 : 10;

const benchStarted = Date.now();
/** A phase of the run, with the seconds since the start (the whole run must stay under 10 minutes). */
function phase(text: string): void {
  console.log(`  [${String(Math.round((Date.now() - benchStarted) / 1000)).padStart(3)} s] ${text}`);
}

interface Pair {
  twinpad: Target;
  reference: Target;
}

async function rateScenarios(pair: Pair): Promise<{ twinpad: RateResult; reference: RateResult }[]> {
  const out: { twinpad: RateResult; reference: RateResult }[] = [];
  for (const spec of rateSpecs) {
    if (!only.has(spec.scenario)) continue;
    phase(`${spec.scenario}: ${spec.sections} section(s) x ${spec.clientsPerSection} clients x ${spec.editsPerSecond} edits/s`);
    out.push(await runRatePair(pair.twinpad, pair.reference, spec, rateSlices));
  }
  return out;
}

/** Restarts Twinpad on its port, running `between` while it is stopped; resolves with the new target and what `between` gave. */
type Restart = <T>(between: () => Promise<T>) => Promise<{ target: Target; value: T }>;

/**
 * The reference server's capacity ramp, run once (on the first backend) and reused:
 * it does not depend on Twinpad's backend, and a 10,000-socket ramp costs minutes.
 */
interface CapacityReference {
  result: CapacityResult | null;
}

async function capacity(pair: Pair, seedCookie: string, env: TwinpadEnv, restart: Restart, shared: CapacityReference): Promise<BackendReport['capacity']> {
  if (!only.has('capacity')) return { twinpad: [], reference: [], errors: { twinpad: null, reference: null }, heap: { twinpad: null, reference: null } };
  const goal = capacitySteps.at(-1) ?? 0;
  phase(`capacity: ${capacitySections} sections through the API, then their accounts in the database (Twinpad restarts around it)`);
  const proposals = await createCapacityProposals(pair.twinpad.server, seedCookie, capacitySections);
  const seeded = await restart(() => withBackendDatabase(env, (db) => seedCapacityAccounts(db, proposals, capacitySections)));
  pair.twinpad = seeded.target;
  const layout = seeded.value;
  const accounts = layout.accounts.length;
  phase(`capacity: ramp to ${goal} idle connections over ${capacitySections} sections (${accounts} accounts, ${goal / accounts} sockets each), ${shared.result ? 'reusing the reference ramp of the first backend' : 'reference first'}`);
  shared.result ??= await runCapacity(pair.reference, referenceLayout(capacitySections), capacitySteps, probeMs, { heapBreakdown });
  const reference = shared.result;
  phase(`capacity: the same ramp on Twinpad`);
  const twinpad = await runCapacity(pair.twinpad, layout, capacitySteps, probeMs, { heapBreakdown });
  return {
    twinpad: twinpad.steps,
    reference: reference.steps,
    errors: { twinpad: twinpad.error, reference: reference.error },
    heap: { twinpad: twinpad.heap, reference: reference.heap },
  };
}

interface ColdLoad {
  updates: number;
  /** Median over `coldRestarts` restarts (one sample each: the first load after the start). */
  twinpadAfterRestartMs: number;
  twinpadAfterRestartEachMs: number[];
  twinpadReloadMedianMs: number;
  referenceInMemoryMs: number;
}

/**
 * The reference's side of the cold loads: one in-memory reference server for the whole
 * run, typed into once (on the first backend) and loaded from on each. Typing the same
 * 60,000 keystrokes into a second reference cost about 45 s of the 10-minute budget.
 */
class ColdReference {
  private server: ServerProcess | null = null;
  private readonly typed = new Set<number>();

  async target(updates: number, writers: number): Promise<{ target: Target; section: string }> {
    this.server ??= await startReference();
    const section = `cold-${updates}`;
    const target = referenceTarget(this.server, [section]);
    if (!this.typed.has(updates)) {
      await typeKeystrokes(target, section, updates, writers);
      this.typed.add(updates);
    }
    return { target, section };
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}

async function coldLoads(pair: Pair, restart: () => Promise<Target>, coldReference: ColdReference): Promise<ColdLoad[]> {
  const results: ColdLoad[] = [];
  if (!only.has('cold')) return results;
  let twinpad = pair.twinpad;
  for (const [i, updates] of coldSizes.entries()) {
    phase(`cold load: ${updates} single-keystroke updates`);
    const writers = Math.max(1, Math.round(updates / 1250));
    const section = twinpad.sections[30 + i]!;
    await typeKeystrokes(twinpad, section, updates, writers);
    const reference = await coldReference.target(updates, writers);
    const total = Math.ceil(updates / writers) * writers;
    const afterRestart: number[] = [];
    for (let r = 0; r < coldRestarts; r++) {
      twinpad = await restart();
      afterRestart.push(await timeFreshLoad(twinpad, section, total));
    }
    const afterRestartSorted = [...afterRestart].sort((a, b) => a - b);
    const reloads: number[] = [];
    for (let r = 0; r < 5; r++) {
      await new Promise((res) => setTimeout(res, 300)); // let the room unload between loads
      reloads.push(await timeFreshLoad(twinpad, section, total));
    }
    reloads.sort((a, b) => a - b);
    const referenceMs = await timeFreshLoad(reference.target, reference.section, total);
    results.push({
      updates: total,
      twinpadAfterRestartMs: Math.round(afterRestartSorted[afterRestartSorted.length >> 1]! * 10) / 10,
      twinpadAfterRestartEachMs: afterRestart.map((ms) => Math.round(ms * 10) / 10),
      twinpadReloadMedianMs: Math.round(reloads[2]! * 10) / 10,
      referenceInMemoryMs: Math.round(referenceMs * 10) / 10,
    });
  }
  pair.twinpad = twinpad;
  return results;
}

async function benchBackend(backend: 'pglite' | 'postgres', env: TwinpadEnv, coldReference: ColdReference, capacityReference: CapacityReference): Promise<BackendReport> {
  console.log(`\nTwinpad on ${backend} vs reference y-websocket server`);
  // The commit floor serves the load scenarios; `--only rights` alone skips it (it measures no load).
  const floorWanted = backendScenarios.some((s) => only.has(s) && s !== 'rights');
  const floorDatabase = floorWanted ? openFloorDatabase(env) : null;
  floorDatabase?.catch(() => {}); // awaited below; a failed start must not leave it unhandled
  let twinpadServer: ServerProcess = await startTwinpad('twinpad', env);
  const reference = await startReference();
  try {
    const gaps = rateSpecs
      .filter((s) => only.has(s.scenario))
      .map((s) => ({ label: s.scenario, gapMs: Math.max(1, Math.round(1000 / (s.editsPerSecond * s.sections * s.clientsPerSection))) }));
    const atGaps = gaps.length > 0 ? ` and at ${gaps.map((g) => `${g.gapMs} ms`).join(', ')} gaps` : '';
    if (floorDatabase) phase(`commit floor: the server's append alone, back to back${atGaps}`);
    const floor = floorDatabase ? await measureCommitFloor(await floorDatabase, gaps) : [];
    const seed = await seedTwinpad(twinpadServer, 100);
    const pair: Pair = {
      twinpad: twinpadTarget('twinpad', twinpadServer, seed.sections, seed.cookie),
      reference: referenceTarget(reference, seed.sections),
    };
    const port = Number(new URL(twinpadServer.url).port);
    const restartAround: Restart = async (between) => {
      await twinpadServer.stop('SIGTERM');
      const value = await between();
      twinpadServer = await startTwinpad('twinpad', env, port);
      return { target: twinpadTarget('twinpad', twinpadServer, seed.sections, seed.cookie), value };
    };
    const restart = async () => (await restartAround(async () => null)).target;
    const rates = await rateScenarios(pair);
    const cap = await capacity(pair, seed.cookie, env, restartAround, capacityReference);
    const cold = await coldLoads(pair, restart, coldReference);
    let fuzz: FuzzResult | null = null;
    if (only.has('fuzz') && backend === 'pglite') {
      phase(`fuzz: ${fuzzFrames} random and mutated frames at one room, a second room editing`);
      // The last two seeded sections: the fuzzed room and the one that keeps editing.
      fuzz = await runFuzz(pair.twinpad, { frames: fuzzFrames, maxSeconds: fuzzSeconds });
    }
    let rights: RightsResult | null = null;
    if (only.has('rights')) {
      phase(`rights: ${rightsSamples} owner changes, approvals and meeting focus moves, each to its event`);
      rights = await runRights(pair.twinpad.url, rightsSamples);
    }
    return { backend, floor, rates, capacity: cap, cold, fuzz, rights };
  } finally {
    await twinpadServer.stop();
    await reference.stop();
  }
}

/** Every backend: PGlite, then Postgres when DATABASE_URL is set. */
async function runBackends(databaseUrl: string | undefined): Promise<BackendReport[]> {
  const reports: BackendReport[] = [];
  const coldReference = new ColdReference();
  const capacityReference: CapacityReference = { result: null };
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'twinpad-bench-'));
    try {
      reports.push(await benchBackend('pglite', { dataDir }, coldReference, capacityReference));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }

    if (databaseUrl) {
      const dbName = `twinpad_bench_${Date.now().toString(36)}`;
      const admin = await openPostgres(databaseUrl, { max: 1 });
      await admin.exec(`create database ${dbName}`);
      const url = new URL(databaseUrl);
      url.pathname = `/${dbName}`;
      try {
        reports.push(await benchBackend('postgres', { databaseUrl: url.toString() }, coldReference, capacityReference));
      } finally {
        await admin.exec(`drop database if exists ${dbName} with (force)`);
        await admin.close();
      }
    }
  } finally {
    await coldReference.stop();
  }
  return reports;
}

async function main(): Promise<void> {
  const config = configFromProcess();
  const reports = backendScenarios.some((s) => only.has(s)) ? await runBackends(config.databaseUrl) : [];

  let multi: InstancesReport | null = null;
  if (instances > 1) {
    const workshop = rateSpecs.find((s) => s.scenario === 'workshop')!;
    if (!only.has('workshop')) throw new Error('--instances measures the workshop scenario: include it in --only');
    multi = await benchInstances(instances, workshop, { databaseUrl: config.databaseUrl, redisUrl: config.redisUrl });
  }

  const standalone: Record<string, unknown> = {};
  const standaloneTargets: TargetRow[] = [];
  const standalonePrints: (() => void)[] = [];
  for (const scenario of standaloneScenarios) {
    if (!only.has(scenario.name)) continue;
    phase(`${scenario.name}: standalone`);
    const out = await scenario.run({ quick });
    standalone[scenario.name] = out.result;
    standaloneTargets.push(...out.targets);
    if (out.print) standalonePrints.push(out.print);
  }

  if (reports.length > 0) printReport(reports);
  for (const r of reports) if (r.fuzz) printFuzz(r.fuzz);
  for (const r of reports) {
    if (r.capacity.heap.reference) printHeapGrowth(`reference (${r.backend} run)`, r.capacity.heap.reference);
    if (r.capacity.heap.twinpad) printHeapGrowth(`twinpad (${r.backend})`, r.capacity.heap.twinpad);
  }
  if (multi) {
    printInstancesReport(multi, reports.map((r) => ({ backend: r.backend, workshop: r.rates.find((x) => x.twinpad.scenario === 'workshop')?.twinpad })));
  }
  for (const print of standalonePrints) print();
  const targets = [...reports.flatMap((r) => backendTargets(r, quick, capacitySteps.at(-1) ?? 0)), ...standaloneTargets];
  printTargets(targets);
  const outDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const json = { quick, only: [...only], durationSeconds: (Date.now() - benchStarted) / 1000, targets, reports, instances: multi, standalone };
  writeFileSync(file, JSON.stringify(json, null, 2));
  console.log(`\nwrote ${file} (${Math.round((Date.now() - benchStarted) / 1000)} s)`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
