import type { CollabService } from './collab/service';
import type { Config } from './config';
import type { Sql } from './db/sql';
import type { EventBus } from './events';
import type { EventStreams } from './event-streams';
import type { ServerLog } from './logger';
import type { Metrics } from './metrics';
import type { WorkPool } from './work/pool';

export type Clock = () => Date;

/** What every request handler, command and room may reach. Built once in server.ts. */
export interface ServerContext {
  readonly config: Config;
  readonly db: Sql;
  readonly events: EventBus;
  readonly clock: Clock;
  /** Structured logs (pino), at LOG_LEVEL. */
  readonly log: ServerLog;
  /** Prometheus instruments, served at /metrics. */
  readonly metrics: Metrics;
  /** The collaboration service: rooms, sockets, presence, server edits, the rights re-check. */
  readonly collab: CollabService;
  /** Worker threads for heavy work (snapshots, exports, diffs, preflight), with per-instance admission caps. */
  readonly work: WorkPool;
  /** The open event streams: one activity reader per proposal, the per-user stream cap. */
  readonly streams: EventStreams;
  /** Origins allowed for non-GET requests and WebSocket upgrades (known once the port is bound). */
  allowedOrigins(): readonly string[];
  /** The public base URL, for links such as invitations. */
  publicOrigin(): string;
}
