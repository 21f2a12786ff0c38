import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The server's Prometheus instruments, one registry per running server (no
 * module-level state: tests run several servers in one process). Collab
 * records commits, fan-out and refused frames; gauges are read at scrape time.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Seconds from a commit batch's first append to its commit. */
  readonly commitLatency: Histogram;
  /** Updates per committed batch. */
  readonly commitBatchSize: Histogram;
  /** Seconds from publishing an update to another instance's delivery to its room. */
  readonly fanoutLatency: Histogram;
  /** Frames refused, by close code. */
  readonly rejectedFrames: Counter<'code'>;
  /** Upgrades refused before they became sockets, by HTTP status. */
  readonly refusedUpgrades: Counter<'status'>;
  /** scrypt derivations run (signups, logins, password changes): what the login throttle bounds. */
  readonly passwordHashes: Counter;
  /** Reads the collab service's live counts at scrape time. */
  gauge(name: 'rooms' | 'sockets', help: string, read: () => number): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'twinpad_' });
  const metrics: Metrics = {
    registry,
    commitLatency: new Histogram({
      name: 'twinpad_commit_latency_seconds',
      help: 'Seconds from a commit batch start to its commit',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    commitBatchSize: new Histogram({
      name: 'twinpad_commit_batch_size',
      help: 'Updates per committed batch',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    fanoutLatency: new Histogram({
      name: 'twinpad_fanout_latency_seconds',
      help: 'Seconds from publish on one instance to delivery on another',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    rejectedFrames: new Counter({
      name: 'twinpad_rejected_frames_total',
      help: 'Collab frames refused, by close code',
      labelNames: ['code'],
      registers: [registry],
    }),
    refusedUpgrades: new Counter({
      name: 'twinpad_refused_upgrades_total',
      help: 'Collab upgrades refused before the socket, by HTTP status',
      labelNames: ['status'],
      registers: [registry],
    }),
    passwordHashes: new Counter({
      name: 'twinpad_password_hashes_total',
      help: 'scrypt derivations run for signups, logins and password changes',
      registers: [registry],
    }),
    gauge(name, help, read) {
      new Gauge({
        name: `twinpad_${name}`,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    },
  };
  return metrics;
}
