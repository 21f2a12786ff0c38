import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { connectAll, connectClient, edit, mib, percentile, sleep, waitUntil, type BenchClient, type ClientTarget, type Target } from './clients';

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

/** One target's clients for a rate scenario: connected once, driven in slices, then summarised. */
class RateRun {
  private readonly all: number[] = [];
  private readonly firstByEdit = new Map<string, number>();
  private readonly clients: BenchClient[] = [];
  private readonly sectionOf: number[] = [];
  private readonly sent: number[];
  private cpuSeconds = 0;
  private drivenSeconds = 0;

  constructor(
    private readonly target: Target,
    private readonly spec: RateSpec,
  ) {
    for (let s = 0; s < spec.sections; s++) {
      const section = target.sections[s];
      if (!section) throw new Error(`target has only ${target.sections.length} sections`);
      for (let c = 0; c < spec.clientsPerSection; c++) {
        const index = this.clients.length;
        this.sectionOf.push(s);
        this.clients.push(
          connectClient(target, section, index, (_receiver, sender, seq, latency) => {
            this.all.push(latency);
            const key = `${sender}:${seq}`;
            const prev = this.firstByEdit.get(key);
            if (prev === undefined || latency < prev) this.firstByEdit.set(key, latency);
          }),
        );
      }
    }
    this.sent = new Array<number>(this.clients.length).fill(0);
  }

  connected(): Promise<void> {
    return connectAll(this.clients);
  }

  /** Every client edits at the spec's rate (random phase) for `ms`; then in-flight edits land. */
  async drive(ms: number): Promise<void> {
    const cpu0 = this.target.server.cpuSeconds();
    const t0 = performance.now();
    const interval = 1000 / this.spec.editsPerSecond;
    const timers: NodeJS.Timeout[] = this.clients.map((client, i) =>
      setTimeout(() => {
        const timer = setInterval(() => {
          if (performance.now() - t0 > ms) return clearInterval(timer);
          edit(client, this.sent[i]!);
          this.sent[i]!++;
        }, interval);
        timers[i] = timer;
      }, Math.random() * interval),
    );
    await sleep(ms + interval);
    timers.forEach((t) => clearInterval(t));
    this.drivenSeconds += (performance.now() - t0) / 1000;
    await this.delivered(2_000);
    this.cpuSeconds += this.target.server.cpuSeconds() - cpu0;
  }

  private expected(): number[] {
    return this.clients.map((_, i) => {
      let n = 0;
      for (let j = 0; j < this.clients.length; j++) if (j !== i && this.sectionOf[j] === this.sectionOf[i]) n += this.sent[j]!;
      return n;
    });
  }

  private async delivered(timeoutMs: number): Promise<void> {
    const expected = this.expected();
    await waitUntil(() => this.clients.every((c, i) => c.received >= expected[i]!), timeoutMs, 'all edits delivered').catch(() => {});
  }

  async finish(): Promise<RateResult> {
    await this.delivered(15_000);
    const expected = this.expected();
    const lost = this.clients.reduce((sum, c, i) => sum + Math.max(0, expected[i]! - c.received), 0);
    const rss = this.target.server.rssBytes();
    this.clients.forEach((c) => c.destroy());
    return {
      scenario: this.spec.scenario,
      clients: this.clients.length,
      editsSent: this.sent.reduce((a, b) => a + b, 0),
      editsLost: lost,
      all: summarize(this.all),
      first: summarize([...this.firstByEdit.values()]),
      cpuPercent: Math.round((this.cpuSeconds / Math.max(this.drivenSeconds, 1e-9)) * 1000) / 10,
      rssMiB: mib(rss),
    };
  }
}

/**
 * N clients per section each edit at a fixed rate; every other client in the section
 * measures fan-out. Both targets' clients stay connected and the targets take turns
 * in `slices` alternating slices (reference first), so a drift in the machine's load
 * during the run weighs on both alike.
 */
export async function runRatePair(twinpad: Target, reference: Target, spec: RateSpec, slices: number): Promise<{ twinpad: RateResult; reference: RateResult }> {
  const runs = { twinpad: new RateRun(twinpad, spec), reference: new RateRun(reference, spec) };
  await Promise.all([runs.twinpad.connected(), runs.reference.connected()]);
  await sleep(500);
  const sliceMs = spec.durationMs / slices;
  for (let i = 0; i < slices; i++) {
    await runs.reference.drive(sliceMs);
    await runs.twinpad.drive(sliceMs);
  }
  const result = { twinpad: await runs.twinpad.finish(), reference: await runs.reference.finish() };
  await sleep(300);
  return result;
}

/** Types `keystrokes` single-character updates from `writers` clients into one section, and waits until the server has them all. */
export async function typeKeystrokes(target: ClientTarget, section: string, keystrokes: number, writers: number): Promise<void> {
  const observer = new Y.Doc();
  const observerProvider = new WebsocketProvider(target.url.replace(/^http/, 'ws') + '/collab', section, observer, {
    WebSocketPolyfill: target.socketClass as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  const docs: { doc: Y.Doc; provider: WebsocketProvider }[] = [];
  for (let w = 0; w < writers; w++) {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(target.url.replace(/^http/, 'ws') + '/collab', section, doc, {
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
export async function timeFreshLoad(target: ClientTarget, section: string, expectedLength: number): Promise<number> {
  const doc = new Y.Doc();
  const t0 = performance.now();
  const provider = new WebsocketProvider(target.url.replace(/^http/, 'ws') + '/collab', section, doc, {
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
