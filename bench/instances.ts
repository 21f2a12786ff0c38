import { openPostgres } from '../server/db/sql';
import { connectAll, connectClient, edit, sleep, waitUntil, seedTwinpad, twinpadTarget, type BenchClient } from './clients';
import { startTwinpad } from './processes';
import { summarize, type LatencySummary, type RateResult, type RateSpec } from './scenarios';

/**
 * `npm run bench -- --instances 2`: the workshop scenario (one section, many
 * clients) with the clients split across two Twinpad processes that share one
 * Postgres database and Redis. Latency is split by receiver: on the sender's
 * instance, or on the other one (commit, Redis publish, apply, relay).
 */
export interface InstancesReport {
  instances: number;
  clients: number;
  editsSent: number;
  editsLost: number;
  /** Receivers on another instance than the sender. */
  cross: LatencySummary;
  /** Receivers on the sender's instance (same run, fan-out on). */
  same: LatencySummary;
  cpuPercent: number[];
}

const localPostgres = 'postgres://postgres@127.0.0.1:5432/test';

export async function benchInstances(count: number, spec: RateSpec, opts: { databaseUrl?: string; redisUrl?: string }): Promise<InstancesReport> {
  const baseUrl = opts.databaseUrl ?? localPostgres;
  const redisUrl = opts.redisUrl ?? 'redis://127.0.0.1:6379';
  console.log(`\nTwinpad x ${count} instances (Postgres + Redis): ${spec.clientsPerSection} clients on one section, ${spec.editsPerSecond} edits/s each`);
  const dbName = `twinpad_bench_mi_${Date.now().toString(36)}`;
  const admin = await openPostgres(baseUrl, { max: 1 });
  await admin.exec(`create database ${dbName}`);
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  const servers = [];
  try {
    // The first migrates; the others start once it listens (migrations also lock, this just keeps startup quiet).
    servers.push(await startTwinpad('twinpad-1', { databaseUrl: url.toString(), redisUrl }));
    for (let i = 1; i < count; i++) servers.push(await startTwinpad(`twinpad-${i + 1}`, { databaseUrl: url.toString(), redisUrl }));
    const seed = await seedTwinpad(servers[0]!, 1);
    const targets = servers.map((s) => twinpadTarget(s.name, s, seed.sections, seed.cookie));
    return await measure(targets, spec, servers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await admin.exec(`drop database if exists ${dbName} with (force)`);
    await admin.close();
  }
}

async function measure(targets: ReturnType<typeof twinpadTarget>[], spec: RateSpec, servers: { cpuSeconds(): number }[]): Promise<InstancesReport> {
  const cross: number[] = [];
  const same: number[] = [];
  const instanceOf = (client: number) => client % targets.length;
  const clients: BenchClient[] = [];
  for (let i = 0; i < spec.clientsPerSection; i++) {
    const target = targets[instanceOf(i)]!;
    clients.push(
      connectClient(target, target.sections[0]!, i, (receiver, sender, _seq, latency) => {
        (instanceOf(receiver) === instanceOf(sender) ? same : cross).push(latency);
      }),
    );
  }
  await connectAll(clients);
  await sleep(500);

  const cpu0 = servers.map((s) => s.cpuSeconds());
  const t0 = performance.now();
  const interval = 1000 / spec.editsPerSecond;
  const sent = new Array<number>(clients.length).fill(0);
  const timers: NodeJS.Timeout[] = [];
  clients.forEach((client, i) => {
    timers.push(
      setTimeout(() => {
        const timer = setInterval(() => {
          if (performance.now() - t0 > spec.durationMs) return clearInterval(timer);
          edit(client, sent[i]!);
          sent[i]!++;
        }, interval);
        timers.push(timer);
      }, Math.random() * interval),
    );
  });
  await sleep(spec.durationMs + interval);
  timers.forEach((t) => clearInterval(t));
  const elapsed = (performance.now() - t0) / 1000;
  const total = sent.reduce((a, b) => a + b, 0);
  const expected = clients.map((_, i) => total - sent[i]!);
  await waitUntil(() => clients.every((c, i) => c.received >= expected[i]!), 15_000, 'all edits delivered').catch(() => {});
  const lost = clients.reduce((sum, c, i) => sum + Math.max(0, expected[i]! - c.received), 0);
  const cpuPercent = servers.map((s, i) => Math.round(((s.cpuSeconds() - cpu0[i]!) / elapsed) * 1000) / 10);
  clients.forEach((c) => c.destroy());
  await sleep(300);
  return { instances: targets.length, clients: clients.length, editsSent: total, editsLost: lost, cross: summarize(cross), same: summarize(same), cpuPercent };
}

const fmt = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n.toFixed(2) : 'n/a');

/** Cross-instance fan-out next to the single-instance workshop figures of the same run. */
export function printInstancesReport(r: InstancesReport, single: { backend: string; workshop: RateResult | undefined }[]): void {
  console.log(`\n=== workshop across ${r.instances} instances (${r.clients} clients, Postgres + Redis) ===`);
  const row = (cells: string[]) => console.log(cells.map((c, i) => c.padEnd(i === 0 ? 40 : 10)).join(' '));
  row(['fan-out latency (ms)', 'p50', 'p95', 'p99', 'samples']);
  row(['other instance (cross-instance)', fmt(r.cross.p50), fmt(r.cross.p95), fmt(r.cross.p99), String(r.cross.count)]);
  row(['same instance, fan-out on', fmt(r.same.p50), fmt(r.same.p95), fmt(r.same.p99), String(r.same.count)]);
  for (const s of single) {
    if (s.workshop) row([`single instance (${s.backend}), same run`, fmt(s.workshop.all.p50), fmt(s.workshop.all.p95), fmt(s.workshop.all.p99), String(s.workshop.all.count)]);
  }
  console.log(`edits sent / lost: ${r.editsSent}/${r.editsLost}; server CPU %: ${r.cpuPercent.join(' / ')}`);
}
