/**
 * The capacity scenario's idle clients, in client processes of their own: stock
 * y-websocket providers (each a Y.Doc, an awareness and a socket) that connect,
 * sync and then only keep their awareness alive, as idle browser tabs do.
 * 10,000 of them in one process cost it about a core in awareness renewals and
 * garbage collection; split over several processes (about 2,500 each), none of
 * them falls behind, and the bench's main process stays free to drive. Each
 * process starts through `wrapWithFdLimit` and its open-file limit is checked.
 * Driven over the IPC channel, like bench/probe.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectAll, connectClient, targetFor, type BenchClient, type ClientTarget } from './clients';
import type { IdleSocket } from './capacity-layout';
import { assertFdLimit, wrapWithFdLimit } from './fd-limit';

type ToFleet =
  | { type: 'start'; label: string; url: string; accounts: (string | null)[] }
  | { type: 'open'; sockets: (IdleSocket & { index: number })[] }
  | { type: 'stop' };
type FromFleet = { type: 'ready' } | { type: 'opened'; open: number } | { type: 'error'; message: string };

/** Sockets a client process opens at once before it waits for them to sync. */
const BATCH = 100;
/** Sockets per client process. */
export const SOCKETS_PER_PROCESS = 2_500;

async function child(): Promise<void> {
  const send = (m: FromFleet) => process.send?.(m);
  const clients: BenchClient[] = [];
  let targets: ClientTarget[] = [];
  process.setMaxListeners(0);
  process.on('message', (m: ToFleet) => {
    void (async () => {
      switch (m.type) {
        case 'start':
          // One socket class per account: each presents its own session cookie.
          targets = m.accounts.map((cookie) => targetFor({ label: m.label, url: m.url, cookie }));
          send({ type: 'ready' });
          return;
        case 'open':
          for (let i = 0; i < m.sockets.length; i += BATCH) {
            const batch = m.sockets.slice(i, i + BATCH).map((s) => {
              const target = targets[s.account];
              if (!target) throw new Error(`no account ${s.account}`);
              return connectClient(target, s.section, s.index);
            });
            await connectAll(batch, 120_000);
            clients.push(...batch);
          }
          send({ type: 'opened', open: clients.length });
          return;
        case 'stop':
          clients.forEach((c) => c.destroy());
          process.exit(0);
          return;
        default: {
          const never: never = m;
          throw new Error(`unknown message ${JSON.stringify(never)}`);
        }
      }
    })().catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
  });
}

class FleetProcess {
  private constructor(private readonly proc: ChildProcess) {}

  static async start(sockets: number, label: string, url: string, accounts: (string | null)[]): Promise<FleetProcess> {
    const run = wrapWithFdLimit(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child']);
    const proc = spawn(run.command, run.args, { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const fleet = new FleetProcess(proc);
    proc.send({ type: 'start', label, url, accounts } satisfies ToFleet);
    await fleet.next('ready');
    if (proc.pid === undefined) throw new Error('a client process did not start');
    assertFdLimit(proc.pid, 'a bench client process', sockets);
    return fleet;
  }

  next<K extends FromFleet['type']>(type: K): Promise<Extract<FromFleet, { type: K }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`a client process exited (code ${code})`));
      const onMessage = (m: FromFleet) => {
        if (m.type !== 'error' && m.type !== type) return;
        this.proc.off('message', onMessage);
        this.proc.off('exit', onExit);
        if (m.type === 'error') reject(new Error(`client process: ${m.message}`));
        else resolve(m as Extract<FromFleet, { type: K }>);
      };
      this.proc.on('message', onMessage);
      this.proc.once('exit', onExit);
    });
  }

  send(m: ToFleet): void {
    this.proc.send(m);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.send({ type: 'stop' });
    await exited;
  }
}

/** Idle clients over several processes; `open` adds sockets and resolves once all have synced. */
export class IdleFleet {
  private opened = 0;

  private constructor(private readonly processes: FleetProcess[]) {}

  /** Enough processes for `maxSockets`, each given every account's cookie. */
  static async start(maxSockets: number, label: string, url: string, accounts: (string | null)[]): Promise<IdleFleet> {
    const count = Math.max(1, Math.ceil(maxSockets / SOCKETS_PER_PROCESS));
    const perProcess = Math.ceil(maxSockets / count);
    const processes: FleetProcess[] = [];
    try {
      for (let i = 0; i < count; i++) processes.push(await FleetProcess.start(perProcess, label, url, accounts));
    } catch (err) {
      await Promise.all(processes.map((p) => p.stop()));
      throw err;
    }
    return new IdleFleet(processes);
  }

  get size(): number {
    return this.opened;
  }

  get processCount(): number {
    return this.processes.length;
  }

  /** Opens `sockets` (dealt round-robin to the processes) and waits until every one has synced. */
  async open(sockets: readonly IdleSocket[]): Promise<void> {
    const shares = this.processes.map(() => [] as (IdleSocket & { index: number })[]);
    sockets.forEach((s, i) => shares[(this.opened + i) % shares.length]!.push({ ...s, index: this.opened + i }));
    const done = this.processes.map((p) => p.next('opened'));
    this.processes.forEach((p, i) => p.send({ type: 'open', sockets: shares[i]! }));
    await Promise.all(done);
    this.opened += sockets.length;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
  }
}

if (process.argv.includes('--child')) void child();
