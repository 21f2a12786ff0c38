import { limits } from '../shared/limits';
import { auditAfter, latestAuditId } from './db/activity';
import type { AuditRow } from './db/audit';
import type { Sql } from './db/sql';
import type { DomainEvent, EventBus } from './events';
import type { ServerLog } from './logger';

/**
 * The instance's open event streams (`GET /api/proposals/:id/events`), owned by
 * the server context (`ctx.streams`):
 * - ONE activity reader per proposal with open streams. An event that may have
 *   written audit rows asks it to read; every ask within one event-loop turn (and
 *   while a read is running) makes one query, whose rows go to every stream of
 *   the proposal. K open streams cost one audit query per burst, not K (SEC27).
 * - at most `limits.maxEventStreamsPerUser` streams per user: opening one more
 *   ends the user's oldest (the tab just opened is the one being looked at).
 */

/** What a stream hears from the hub. */
export interface StreamSink {
  /** New activity-feed rows, oldest first. */
  activity(rows: readonly AuditRow[]): void;
  /** The user opened more streams than allowed: this, their oldest, ends. */
  superseded(): void;
}

export interface StreamHandle {
  /** Unregisters the stream (its proposal's reader goes when its last stream does). */
  close(): void;
}

export interface EventStreams {
  /** Registers an open stream; may end the user's oldest. */
  open(userId: string, proposalId: string, sink: StreamSink): StreamHandle;
  /** Stops listening to the bus. */
  close(): void;
}

/** Whether `e` may have recorded an activity-feed entry of its proposal (a command's audit row). */
export function mayAddActivity(e: DomainEvent): e is Extract<DomainEvent, { proposalId: string }> {
  switch (e.type) {
    case 'section.changed':
    case 'section.restored':
    case 'member.changed':
    case 'partner.changed':
    case 'comment.changed':
    case 'meeting.changed':
    case 'snapshots.changed':
    case 'verdicts.changed':
      return true;
    case 'mention':
    case 'completeness.changed':
    case 'meeting.focus':
    case 'presence.changed':
    case 'sessions.ended':
    case 'session.ended':
      return false;
  }
}

/** One proposal's audit rows read forwards, once per burst, for all its streams. */
class ActivityReader {
  readonly sinks = new Set<StreamSink>();
  private lastId: Promise<number>;
  private scheduled = false;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Sql,
    private readonly proposalId: string,
    private readonly log: ServerLog,
  ) {
    this.lastId = latestAuditId(db, proposalId);
    // A failed start is logged by the read that awaits it; until then it is no unhandled rejection.
    this.lastId.catch(() => undefined);
  }

  /** Reads once the current turn's events are all in (or after the running read). */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.read()
        .catch((err: unknown) => {
          // The next event asks again; a start that never learnt the latest id learns it then.
          this.log.error({ err, proposalId: this.proposalId }, 'activity read failed');
          this.lastId = this.lastId.catch(() => latestAuditId(this.db, this.proposalId));
        })
        .finally(() => {
          this.running = null;
          if (this.again) {
            this.again = false;
            this.request();
          }
        });
    });
  }

  private async read(): Promise<void> {
    const pageSize = 100;
    for (;;) {
      const after = await this.lastId;
      const rows = await auditAfter(this.db, this.proposalId, after, pageSize);
      const last = rows[rows.length - 1];
      if (last) this.lastId = Promise.resolve(Math.max(after, last.id));
      if (rows.length > 0) for (const sink of [...this.sinks]) sink.activity(rows);
      if (rows.length < pageSize || this.sinks.size === 0) return;
    }
  }
}

export function createEventStreams(ctx: { db: Sql; events: EventBus; log: ServerLog }, maxPerUser: number = limits.maxEventStreamsPerUser): EventStreams {
  const readers = new Map<string, ActivityReader>();
  /** Each user's open streams, oldest first. */
  const byUser = new Map<string, StreamSink[]>();

  const unsubscribe = ctx.events.subscribe((e) => {
    if (mayAddActivity(e)) readers.get(e.proposalId)?.request();
  });

  const forget = (userId: string, proposalId: string, sink: StreamSink) => {
    const reader = readers.get(proposalId);
    if (reader) {
      reader.sinks.delete(sink);
      if (reader.sinks.size === 0) readers.delete(proposalId);
    }
    const mine = byUser.get(userId);
    if (!mine) return;
    const at = mine.indexOf(sink);
    if (at >= 0) mine.splice(at, 1);
    if (mine.length === 0) byUser.delete(userId);
  };

  return {
    open(userId, proposalId, sink) {
      const mine = byUser.get(userId) ?? [];
      byUser.set(userId, mine);
      while (mine.length >= maxPerUser) mine.shift()?.superseded();
      mine.push(sink);
      let reader = readers.get(proposalId);
      if (!reader) {
        reader = new ActivityReader(ctx.db, proposalId, ctx.log);
        readers.set(proposalId, reader);
      }
      reader.sinks.add(sink);
      return { close: () => forget(userId, proposalId, sink) };
    },
    close() {
      unsubscribe();
      readers.clear();
      byUser.clear();
    },
  };
}
