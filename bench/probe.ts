/**
 * The capacity scenario's probe, in a process of its own: a sender and a receiver
 * in one section, measuring a probe edit's fan-out latency. Thousands of idle
 * clients live in the bench's main process; their garbage collections and
 * awareness work would otherwise stall the probe's own event loop and be
 * counted as server latency. Driven over the IPC channel (see ProbeProcess).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectAll, connectClient, edit, sleep, targetFor, type TargetSpec } from './clients';

type ToProbe = { type: 'start'; spec: TargetSpec; section: string } | { type: 'probe'; ms: number; everyMs: number } | { type: 'stop' };
type FromProbe = { type: 'ready' } | { type: 'result'; latencies: number[] } | { type: 'error'; message: string };

async function child(): Promise<void> {
  const send = (m: FromProbe) => process.send?.(m);
  let sender: ReturnType<typeof connectClient> | null = null;
  let receiver: ReturnType<typeof connectClient> | null = null;
  let latencies: number[] = [];
  let seq = 0;
  process.setMaxListeners(0);
  process.on('message', (m: ToProbe) => {
    void (async () => {
      switch (m.type) {
        case 'start': {
          const target = targetFor(m.spec);
          sender = connectClient(target, m.section, 1_000_000);
          receiver = connectClient(target, m.section, 1_000_001, (_r, from, _seq, latency) => {
            if (from === 1_000_000) latencies.push(latency);
          });
          await connectAll([sender, receiver]);
          send({ type: 'ready' });
          return;
        }
        case 'probe': {
          if (!sender) throw new Error('probe before start');
          latencies = [];
          const t0 = performance.now();
          while (performance.now() - t0 < m.ms) {
            edit(sender, seq++);
            await sleep(m.everyMs);
          }
          await sleep(500);
          send({ type: 'result', latencies });
          return;
        }
        case 'stop':
          sender?.destroy();
          receiver?.destroy();
          process.exit(0);
      }
    })().catch((err: unknown) => send({ type: 'error', message: String(err) }));
  });
}

/** The bench's handle on a probe process. */
export class ProbeProcess {
  private constructor(private readonly proc: ChildProcess) {}

  static async start(spec: TargetSpec, section: string): Promise<ProbeProcess> {
    const proc = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const probe = new ProbeProcess(proc);
    proc.send({ type: 'start', spec, section } satisfies ToProbe);
    await probe.next('ready');
    return probe;
  }

  private next<K extends FromProbe['type']>(type: K): Promise<Extract<FromProbe, { type: K }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromProbe) => {
        if (m.type === 'error') {
          this.proc.off('message', onMessage);
          reject(new Error(`probe: ${m.message}`));
        } else if (m.type === type) {
          this.proc.off('message', onMessage);
          resolve(m as Extract<FromProbe, { type: K }>);
        }
      };
      this.proc.on('message', onMessage);
    });
  }

  /** Sends a probe edit every `everyMs` for `ms`; resolves with the receiver's latencies. */
  async probe(ms: number, everyMs = 100): Promise<number[]> {
    this.proc.send({ type: 'probe', ms, everyMs } satisfies ToProbe);
    return (await this.next('result')).latencies;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.send({ type: 'stop' } satisfies ToProbe);
    await exited;
  }
}

if (process.argv.includes('--child')) void child();
