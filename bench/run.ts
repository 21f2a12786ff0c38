/**
 * `npm run bench`: Twinpad against the reference in-memory y-websocket server,
 * in the same run, on the same machine. Prints a table and writes JSON to bench/results/.
 *
 *   npm run bench                 # full run (PGlite; then Postgres when DATABASE_URL is set)
 *   npm run bench -- --quick      # shorter scenarios, for a smoke run
 *   npm run bench -- --instances 2  # also: workshop split across 2 instances (Postgres + Redis)
 *   npm run bench -- --only pair,rooms  # just these scenarios (pair, workshop, rooms, capacity, cold, fuzz, rights)
 *   npm run bench -- --only rights --quick  # rights change / approval / meeting focus latencies against the 1 s target
 *   (each backend starts with the commit floor: the server's append alone, at each rate scenario's arrival gap)
 *   npm run bench -- --only fuzz --fuzz-seconds 400  # the whole 1,000,000 frames (the default run caps the fuzz at 60 s)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromProcess } from '../server/config';
import { openPostgres } from '../server/db/sql';
import { referenceTarget, seedTwinpad, twinpadTarget, type Target } from './clients';
import { startReference, startTwinpad, type ServerProcess, type TwinpadEnv } from './processes';
import { runCapacity, runRatePair, timeFreshLoad, typeKeystrokes, type CapacityStep, type RateResult, type RateSpec } from './scenarios';
import { printReport, type BackendReport } from './report';
import { printFuzz, runFuzz, type FuzzResult } from './fuzz';
import { measureCommitFloor, openFloorDatabase } from './commit-floor';
import { benchInstances, printInstancesReport, type InstancesReport } from './instances';
import { runRights, type RightsResult } from './rights';

const quick = process.argv.includes('--quick');
const instancesArg = process.argv.indexOf('--instances');
const instances = instancesArg >= 0 ? Number(process.argv[instancesArg + 1]) : 1;
if (!Number.isInteger(instances) || instances < 1) throw new Error('--instances takes a whole number >= 1');
const scenarioNames = ['pair', 'workshop', 'rooms', 'capacity', 'cold', 'fuzz', 'rights'] as const;
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
const capacitySteps = quick ? [100, 200] : [500, 1000, 2000];
const probeMs = quick ? 2_000 : 6_000;
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

async function capacity(pair: Pair): Promise<{ twinpad: CapacityStep[]; reference: CapacityStep[] }> {
  if (!only.has('capacity')) return { twinpad: [], reference: [] };
  phase(`capacity: ramp to ${capacitySteps.at(-1)} idle connections over 20 sections`);
  const reference = await runCapacity(pair.reference, capacitySteps, probeMs);
  const twinpad = await runCapacity(pair.twinpad, capacitySteps, probeMs);
  return { twinpad, reference };
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

async function benchBackend(backend: 'pglite' | 'postgres', env: TwinpadEnv, coldReference: ColdReference): Promise<BackendReport> {
  console.log(`\nTwinpad on ${backend} vs reference y-websocket server`);
  // The commit floor serves the load scenarios; `--only rights` alone skips it (it measures no load).
  const floorWanted = [...only].some((s) => s !== 'rights');
  const floorDatabase = floorWanted ? openFloorDatabase(env) : null;
  floorDatabase?.catch(() => {}); // awaited below; a failed start must not leave it unhandled
  let twinpadServer: ServerProcess = await startTwinpad('twinpad', env);
  const reference = await startReference();
  try {
    const gaps = rateSpecs
      .filter((s) => only.has(s.scenario))
      .map((s) => ({ label: s.scenario, gapMs: Math.max(1, Math.round(1000 / (s.editsPerSecond * s.sections * s.clientsPerSection))) }));
    if (floorDatabase) phase(`commit floor: the server's append alone, back to back and at ${gaps.map((g) => `${g.gapMs} ms`).join(', ')} gaps`);
    const floor = floorDatabase ? await measureCommitFloor(await floorDatabase, gaps) : [];
    const seed = await seedTwinpad(twinpadServer, 100);
    const pair: Pair = {
      twinpad: twinpadTarget('twinpad', twinpadServer, seed.sections, seed.cookie),
      reference: referenceTarget(reference, seed.sections),
    };
    const port = Number(new URL(twinpadServer.url).port);
    const restart = async () => {
      await twinpadServer.stop('SIGTERM');
      twinpadServer = await startTwinpad('twinpad', env, port);
      return twinpadTarget('twinpad', twinpadServer, seed.sections, seed.cookie);
    };
    const rates = await rateScenarios(pair);
    const cap = await capacity(pair);
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

async function main(): Promise<void> {
  const config = configFromProcess();
  const reports: BackendReport[] = [];

  const coldReference = new ColdReference();
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'twinpad-bench-'));
    try {
      reports.push(await benchBackend('pglite', { dataDir }, coldReference));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }

    if (config.databaseUrl) {
      const dbName = `twinpad_bench_${Date.now().toString(36)}`;
      const admin = await openPostgres(config.databaseUrl, { max: 1 });
      await admin.exec(`create database ${dbName}`);
      const url = new URL(config.databaseUrl);
      url.pathname = `/${dbName}`;
      try {
        reports.push(await benchBackend('postgres', { databaseUrl: url.toString() }, coldReference));
      } finally {
        await admin.exec(`drop database if exists ${dbName} with (force)`);
        await admin.close();
      }
    }
  } finally {
    await coldReference.stop();
  }

  let multi: InstancesReport | null = null;
  if (instances > 1) {
    const workshop = rateSpecs.find((s) => s.scenario === 'workshop')!;
    if (!only.has('workshop')) throw new Error('--instances measures the workshop scenario: include it in --only');
    multi = await benchInstances(instances, workshop, { databaseUrl: config.databaseUrl, redisUrl: config.redisUrl });
  }

  printReport(reports);
  for (const r of reports) if (r.fuzz) printFuzz(r.fuzz);
  if (multi) {
    printInstancesReport(multi, reports.map((r) => ({ backend: r.backend, workshop: r.rates.find((x) => x.twinpad.scenario === 'workshop')?.twinpad })));
  }
  const outDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ quick, only: [...only], durationSeconds: (Date.now() - benchStarted) / 1000, reports, instances: multi }, null, 2));
  console.log(`\nwrote ${file} (${Math.round((Date.now() - benchStarted) / 1000)} s)`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
