import type { RawData, WebSocket } from 'ws';
import { limits } from '../../shared/limits';
import { closeCode, twinpadSubprotocol, type CloseCode, type CloseReason } from '../../shared/protocol';
import { validateSessionToken } from '../auth/session';
import type { ServerContext } from '../context';
import { loadSocketRights } from '../db/socket-rights';
import type { DomainEvent } from '../events';
import { admit, type Admission, type UpgradeRequest } from './admission';
import { Connection } from './connection';
import { localFanout, type Fanout } from './fanout';
import { observeCollab } from './observer';
import { GroupCommitter } from './persistence';
import type { PresenceView } from './presence';
import { recheckRights, type RecheckOutcome } from './rights';
import { RoomRegistry } from './rooms';
import { applyServerEdit, type ServerEdit } from './server-edits';
import { SocketCaps } from './socket-caps';
import { frameTooBigError, SocketLink, toBytes } from './socket-link';

/** The heartbeat visits a slice of the sockets this many times per `heartbeatMs`. */
const HEARTBEAT_SLICES = 50;

/** What the collab service needs from the server: everything on the context but itself. */
export type CollabContext = Omit<ServerContext, 'collab'>;

/** Live counts, for metrics and the bench. */
export interface CollabStats {
  rooms: number;
  sockets: number;
}

/** Whose sockets re-ask the policy: every socket of a section, or one user's sockets in a proposal. */
export type RightsScope = { kind: 'sections'; sectionIds: readonly string[] } | { kind: 'member'; proposalId: string; userId: string };

/**
 * ONE collaboration service per server (`ctx.collab`): it owns the rooms, the
 * sockets, presence, server-side edits and the rights re-check. The WebSocket
 * route asks `admit`, upgrades, and hands the socket to `accept`; handlers and
 * commands use the rest. It holds all of its state (no module-level state), so
 * several servers run side by side in one process.
 */
export interface CollabService {
  /** Resolves once the upgrade and load statements have run once (listen after it). */
  readonly ready: Promise<void>;
  /** False once closing: the route refuses upgrades (503). */
  readonly accepting: boolean;
  /** Sockets and upgrades being admitted, per instance and per user (the route takes a slot per upgrade). */
  readonly caps: SocketCaps;
  /** Decides an upgrade through the policy, once; throws `UpgradeRefused` (counted by status). */
  admit(req: UpgradeRequest): Promise<Admission>;
  /** Takes over an upgraded socket. */
  accept(ws: WebSocket, admission: Admission): void;
  /** Counts and logs an upgrade refused before it became a socket. */
  refused(status: number, code: string): void;
  /** Edits the section's doc on behalf of `userId` (a restore): through its live room, else on storage. */
  applyServerEdit(docId: string, userId: string, edit: ServerEdit): Promise<void>;
  /** Re-asks the policy for every affected socket, in one statement, and acts at once. */
  rightsChanged(scope: RightsScope): Promise<Map<Connection, RecheckOutcome>>;
  /** This instance's view of who is in which section of the proposal. */
  presence(proposalId: string): PresenceView;
  /** Closes every socket of a section on this instance with `code`; returns how many. */
  closeSection(sectionId: string, code: CloseCode, reason: CloseReason): number;
  stats(): CollabStats;
  /** Flushes every room, closes every socket with 1001, and stops. */
  close(): Promise<void>;
  /** The rooms and connections (tests and diagnostics). */
  readonly registry: RoomRegistry;
  readonly persistence: GroupCommitter;
}

export interface CollabOptions {
  /** Fan-out to other instances (server/collab/redis-fanout.ts); default: this instance alone. */
  fanout?: Fanout;
}

export function createCollabService(ctx: CollabContext, opts: CollabOptions = {}): CollabService {
  const log = ctx.log.child({ part: 'collab' });
  /** Per-socket debug lines cost nothing unless LOG_LEVEL is debug. */
  const debug = log.isLevelEnabled('debug');
  const logError = (message: string, err: unknown) => log.error({ err }, message);
  const { metrics } = ctx;
  const persistence = new GroupCommitter(ctx.db, limits.groupCommitWindowMs, (rows, seconds) => {
    metrics.commitBatchSize.observe(rows);
    metrics.commitLatency.observe(seconds);
  });
  const fanout = opts.fanout ?? localFanout();
  const registry = new RoomRegistry(persistence, fanout.publish, logError, fanout, {
    onEvent: (e) => log.debug({ section: e.docId }, e.kind),
  });
  const observer = observeCollab({ db: ctx.db, events: ctx.events, log: logError }, registry);
  /** Every accepted socket, by its ws (the shared listeners find their link here). */
  const links = new Map<WebSocket, SocketLink>();
  const countRefusal = (code: CloseCode) => metrics.rejectedFrames.inc({ code: String(code) });
  let accepting = true;

  metrics.gauge('rooms', 'Loaded collab rooms', () => registry.roomCount);
  metrics.gauge('sockets', 'Open collab sockets', () => links.size);

  // The socket listeners: one set per service, shared by every socket (`this` is the ws).
  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const link = links.get(this);
    if (!link) return;
    if (isBinary) link.conn.receive(toBytes(data));
    else link.conn.receiveText();
  }
  function onPong(this: WebSocket): void {
    const link = links.get(this);
    if (link) link.alive = true;
  }
  function onError(this: WebSocket, err: Error & { code?: string }): void {
    // ws closes the socket itself (1009 for an oversize frame); 'close' follows.
    if (err.code === frameTooBigError) countRefusal(closeCode.frameTooBig);
  }
  function onClose(this: WebSocket, code: number): void {
    const link = links.get(this);
    if (!link) return;
    links.delete(this);
    const conn = link.conn;
    conn.closedBySocket();
    registry.untrack(conn);
    observer.changed(conn);
    if (debug) log.debug({ section: conn.sectionId, user: conn.userId, code }, 'socket.closed');
  }

  /**
   * Dead sockets (no pong since the last ping) are dropped: one timer for the whole
   * service, visiting every socket once per `heartbeatMs` in slices, so 10,000 pings
   * never land in one turn of the event loop (they blocked it for hundreds of ms).
   */
  let heartbeatCursor: IterableIterator<SocketLink> = links.values();
  let passStartedAt = performance.now();
  const heartbeat = setInterval(() => {
    let budget = Math.ceil(links.size / HEARTBEAT_SLICES);
    while (budget-- > 0) {
      let next = heartbeatCursor.next();
      if (next.done) {
        // A socket is pinged once per pass, and a pass starts at most once per heartbeatMs.
        if (performance.now() - passStartedAt < limits.heartbeatMs) return;
        passStartedAt = performance.now();
        heartbeatCursor = links.values();
        next = heartbeatCursor.next();
        if (next.done) return;
      }
      const link = next.value;
      if (!link.alive) {
        link.ws.terminate();
        continue;
      }
      link.alive = false;
      link.ws.ping();
    }
  }, limits.heartbeatMs / HEARTBEAT_SLICES);
  heartbeat.unref();
  /** Extension sockets that were sent nothing since the last tick get a keepalive: at most `keepaliveMs` of silence. */
  const keepalive = setInterval(() => {
    for (const link of links.values()) link.conn.keepaliveTick();
  }, limits.keepaliveMs / 2);
  keepalive.unref();

  const unsubscribe = ctx.events.subscribe((event) => {
    onDomainEvent(event).catch((err: unknown) => logError('collab rights re-check failed', err));
  });

  /** Rights change live: affected sockets are downgraded (closed with 4001), closed, or upgraded in place. */
  async function onDomainEvent(event: DomainEvent): Promise<void> {
    switch (event.type) {
      case 'section.changed':
        await service.rightsChanged({ kind: 'sections', sectionIds: [event.sectionId] });
        return;
      case 'member.changed':
        await service.rightsChanged({ kind: 'member', proposalId: event.proposalId, userId: event.userId });
        return;
      case 'sessions.ended':
        for (const c of registry.select((c) => c.userId === event.userId && c.sessionId !== event.keepSessionId)) {
          c.close(closeCode.sessionEnded, 'session_ended');
        }
        return;
      case 'session.ended':
        for (const c of registry.select((c) => c.sessionId === event.sessionId)) c.close(closeCode.sessionEnded, 'session_ended');
        return;
      case 'section.restored':
      case 'partner.changed':
      case 'comment.changed':
      case 'mention':
      case 'completeness.changed':
      case 'presence.changed':
      case 'meeting.changed':
      case 'meeting.focus':
      case 'snapshots.changed':
      case 'verdicts.changed':
        return;
      default: {
        const never: never = event;
        throw new Error(`unknown event ${String(never)}`);
      }
    }
  }

  /**
   * The first statements after a start pay the database's cold caches (PGlite: catalog
   * and plans, ~0.5 s), and the first rows found pay cold row handling (3-5 ms more per
   * lookup after a restart): run each statement shape of an upgrade once now, on an
   * existing section and member when there is one (read only), so the first real join
   * after a restart or deploy does not.
   */
  async function warmUp(): Promise<void> {
    const none = '00000000-0000-0000-0000-000000000000';
    const [some] = await ctx.db.query<{ sectionId: string; userId: string }>(
      `select s.id as "sectionId", m.user_id as "userId" from sections s join members m on m.proposal_id = s.proposal_id limit 1`,
    );
    await validateSessionToken(ctx.db, 'a'.repeat(32), ctx.clock());
    await loadSocketRights(ctx.db, [{ userId: some?.userId ?? none, sectionId: some?.sectionId ?? none }]);
    await persistence.load(none);
  }

  const service: CollabService = {
    ready: warmUp().catch((err: unknown) => logError('collab warm-up failed', err)),
    registry,
    persistence,
    caps: new SocketCaps(ctx.config.maxConnections, limits.maxSocketsPerUser),
    get accepting() {
      return accepting;
    },
    admit: (req) => admit(ctx, req),
    refused(status, code) {
      metrics.refusedUpgrades.inc({ status: String(status) });
      log.debug({ status, code }, 'upgrade.refused');
    },
    accept(ws, admission) {
      const link = new SocketLink(ws);
      const info = { ...admission, extension: ws.protocol === twinpadSubprotocol };
      const conn = new Connection(link, info, registry.room(admission.sectionId), registry.turn, countRefusal);
      link.conn = conn;
      links.set(ws, link);
      registry.track(conn);
      observer.changed(conn);
      ws.on('message', onMessage);
      ws.on('pong', onPong);
      ws.on('error', onError);
      ws.on('close', onClose);
      if (debug) log.debug({ section: admission.sectionId, user: admission.userId, access: admission.access, reason: admission.reason }, 'socket.accepted');
      void conn.open();
    },
    applyServerEdit: (docId, userId, edit) => applyServerEdit({ registry, storage: persistence, publish: fanout.publish }, docId, userId, edit),
    async rightsChanged(scope) {
      const conns =
        scope.kind === 'sections'
          ? registry.select((c) => scope.sectionIds.includes(c.sectionId))
          : registry.select((c) => c.userId === scope.userId && c.proposalId === scope.proposalId);
      const outcomes = await recheckRights(ctx.db, conns);
      for (const [conn, outcome] of outcomes) {
        if (outcome !== 'kept') log.info({ section: conn.sectionId, user: conn.userId, outcome }, 'socket.rights');
      }
      return outcomes;
    },
    presence(proposalId) {
      return { instanceId: observer.presence.instanceId, sections: observer.presence.current(proposalId) };
    },
    closeSection(sectionId, code, reason) {
      const conns = registry.select((c) => c.sectionId === sectionId);
      for (const c of conns) c.close(code, reason);
      return conns.length;
    },
    stats() {
      return { rooms: registry.roomCount, sockets: links.size };
    },
    async close() {
      if (!accepting) return;
      accepting = false;
      clearInterval(heartbeat);
      clearInterval(keepalive);
      unsubscribe();
      await observer.close();
      await registry.shutdown(closeCode.goingAway, 'going_away');
      await persistence.flush();
      for (const link of links.values()) link.ws.terminate();
      links.clear();
    },
  };
  return service;
}
