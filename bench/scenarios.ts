import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { connectAll, connectClient, edit, percentile, sleep, waitUntil, type BenchClient, type Target } from './clients';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export function summarize(values: number[]): LatencySummary {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), count: values.length };
}

export interface RateResult {
  scenario: string;
  clients: number;
  editsSent: number;
  editsLost: number;
  /** Latency to every receiver. */
  all: LatencySummary;
  /** Latency to the first receiver of each edit. */
  first: LatencySummary;
  cpuPercent: number;
  rssMiB: number;
}

export interface RateSpec {
  scenario: string;
  sections: number;
  clientsPerSection: number;
  editsPerSecond: number;
  durationMs: number;
}

/** N clients per section each edit at a fixed rate; every other client in the section measures fan-out. */
export async function runRate(target: Target, spec: RateSpec): Promise<RateResult> {
  const all: number[] = [];
  const firstByEdit = new Map<string, number>();
  const clients: BenchClient[] = [];
  const sectionOf: number[] = [];
  for (let s = 0; s < spec.sections; s++) {
    const section = target.sections[s];
    if (!section) throw new Error(`target has only ${target.sections.length} sections`);
    for (let c = 0; c < spec.clientsPerSection; c++) {
      const index = clients.length;
      sectionOf.push(s);
      clients.push(
        connectClient(target, section, index, (_receiver, sender, seq, latency) => {
          all.push(latency);
          const key = `${sender}:${seq}`;
          const prev = firstByEdit.get(key);
          if (prev === undefined || latency < prev) firstByEdit.set(key, latency);
        }),
      );
    }
  }
  await connectAll(clients);
  await sleep(500);

  const cpu0 = target.server.cpuSeconds();
  const t0 = performance.now();
  const interval = 1000 / spec.editsPerSecond;
  const sent = new Array<number>(clients.length).fill(0);
  const timers = clients.map((client, i) => {
    const start = setTimeout(() => {
      const timer = setInterval(() => {
        if (performance.now() - t0 > spec.durationMs) return clearInterval(timer);
        edit(client, sent[i]!);
        sent[i]!++;
      }, interval);
      timers[i] = timer;
    }, Math.random() * interval);
    return start;
  });
  await sleep(spec.durationMs + interval);
  timers.forEach((t) => clearInterval(t));
  const elapsed = (performance.now() - t0) / 1000;

  const expected = clients.map((_, i) => {
    let n = 0;
    for (let j = 0; j < clients.length; j++) if (j !== i && sectionOf[j] === sectionOf[i]) n += sent[j]!;
    return n;
  });
  await waitUntil(() => clients.every((c, i) => c.received >= expected[i]!), 15_000, 'all edits delivered').catch(() => {});
  const cpu = (target.server.cpuSeconds() - cpu0) / elapsed;
  const lost = clients.reduce((sum, c, i) => sum + Math.max(0, expected[i]! - c.received), 0);
  const rss = target.server.rssBytes();
  clients.forEach((c) => c.destroy());
  await sleep(300);
  return {
    scenario: spec.scenario,
    clients: clients.length,
    editsSent: sent.reduce((a, b) => a + b, 0),
    editsLost: lost,
    all: summarize(all),
    first: summarize([...firstByEdit.values()]),
    cpuPercent: Math.round(cpu * 1000) / 10,
    rssMiB: Math.round((rss / 1024 / 1024) * 10) / 10,
  };
}

export interface CapacityStep {
  connections: number;
  rssMiB: number;
  kibPerConnection: number;
  probe: LatencySummary;
}

/** Ramps idle synced clients over 20 sections, measuring memory per connection and a probe edit's latency. */
export async function runCapacity(target: Target, steps: number[], probeMs: number): Promise<CapacityStep[]> {
  const sections = target.sections.slice(0, 20);
  const results: CapacityStep[] = [];
  const idle: BenchClient[] = [];
  const probeSender = connectClient(target, sections[0]!, 1_000_000);
  const probeLatencies: number[] = [];
  const probeReceiver = connectClient(target, sections[0]!, 1_000_001, (_r, sender, _seq, latency) => {
    if (sender === 1_000_000) probeLatencies.push(latency);
  });
  await connectAll([probeSender, probeReceiver]);
  await sleep(1000);
  const baseline = target.server.rssBytes();
  let seq = 0;
  for (const goal of steps) {
    while (idle.length < goal) {
      const batch: BenchClient[] = [];
      for (let i = 0; i < 100 && idle.length + batch.length < goal; i++) {
        batch.push(connectClient(target, sections[(idle.length + batch.length) % sections.length]!, idle.length + batch.length));
      }
      await connectAll(batch, 120_000);
      idle.push(...batch);
    }
    await sleep(1000);
    probeLatencies.length = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < probeMs) {
      edit(probeSender, seq++);
      await sleep(200);
    }
    await sleep(500);
    const rss = target.server.rssBytes();
    results.push({
      connections: idle.length,
      rssMiB: Math.round((rss / 1024 / 1024) * 10) / 10,
      kibPerConnection: Math.round(((rss - baseline) / 1024 / idle.length) * 10) / 10,
      probe: summarize(probeLatencies),
    });
  }
  idle.forEach((c) => c.destroy());
  probeSender.destroy();
  probeReceiver.destroy();
  await sleep(1000);
  return results;
}

/** Types `keystrokes` single-character updates from `writers` clients into one section, and waits until the server has them all. */
export async function typeKeystrokes(target: Target, section: string, keystrokes: number, writers: number): Promise<void> {
  const observer = new Y.Doc();
  const observerProvider = new WebsocketProvider(target.server.url.replace(/^http/, 'ws') + '/collab', section, observer, {
    WebSocketPolyfill: target.socketClass as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  const docs: { doc: Y.Doc; provider: WebsocketProvider }[] = [];
  for (let w = 0; w < writers; w++) {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(target.server.url.replace(/^http/, 'ws') + '/collab', section, doc, {
      WebSocketPolyfill: target.socketClass as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    docs.push({ doc, provider });
  }
  await waitUntil(() => observerProvider.synced && docs.every((d) => d.provider.synced), 60_000, 'writers synced');
  const perWriter = Math.ceil(keystrokes / writers);
  for (let k = 0; k < perWriter; k++) {
    for (const { doc } of docs) {
      const text = doc.getText('bench-text');
      text.insert(text.length, String.fromCharCode(97 + (k % 26)));
    }
    if (k % 100 === 99) await sleep(50);
  }
  const total = perWriter * writers;
  await waitUntil(() => observer.getText('bench-text').length >= total, 180_000, `${total} keystrokes at the observer`);
  for (const d of docs) {
    d.provider.destroy();
    d.doc.destroy();
  }
  observerProvider.destroy();
  observer.destroy();
}

/** Time from opening a fresh client to its first full sync. */
export async function timeFreshLoad(target: Target, section: string, expectedLength: number): Promise<number> {
  const doc = new Y.Doc();
  const t0 = performance.now();
  const provider = new WebsocketProvider(target.server.url.replace(/^http/, 'ws') + '/collab', section, doc, {
    WebSocketPolyfill: target.socketClass as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  const ms = performance.now() - t0;
  const length = doc.getText('bench-text').length;
  provider.destroy();
  doc.destroy();
  if (length !== expectedLength) throw new Error(`fresh load saw ${length} characters, expected ${expectedLength}`);
  return ms;
}
