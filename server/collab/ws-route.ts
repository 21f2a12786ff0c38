import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { limits } from '../../shared/limits';
import { closeCode, twinpadSubprotocol } from '../../shared/protocol';
import { authenticate, isAllowedOrigin } from '../auth/middleware';
import { validateSessionToken } from '../auth/session';
import type { ServerContext } from '../context';
import { AppError } from '../errors';
import type { DomainEvent } from '../events';
import { findPartnerById } from '../db/partners';
import { findSectionById } from '../db/sections';
import { can, loadActor } from '../policy';
import { Connection } from './connection';
import { localFanout, type Fanout } from './fanout';
import { GroupCommitter } from './persistence';
import { RoomRegistry } from './rooms';
import { observeCollab } from '../collab-observer';
import { registerServerEdits } from './server-edits';
import type { Access, UserStamp } from './room-types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CollabHandle {
  /** Resolves once the upgrade and load statements have run once (see warmUp); listen after it. */
  readonly ready: Promise<void>;
  shutdown(): Promise<void>;
  /** The rooms and connections (tests and diagnostics). */
  readonly registry: RoomRegistry;
  readonly persistence: GroupCommitter;
}

export interface CollabOptions {
  /** Fan-out to other instances (server/collab/redis-fanout.ts); default: this instance alone. */
  fanout?: Fanout;
}

class Refused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Serves `GET /collab/:sectionId` as a y-websocket endpoint on `server`.
 * Origin, session, section and membership are checked BEFORE the upgrade; a
 * refusal is a plain HTTP response and never becomes a socket.
 */
export function attachCollab(server: Server, ctx: ServerContext, opts: CollabOptions = {}): CollabHandle {
  const log = (message: string, err: unknown) => {
    if (ctx.config.logLevel !== 'silent') console.error(message, err);
  };
  const persistence = new GroupCommitter(ctx.db);
  const fanout = opts.fanout ?? localFanout();
  const registry = new RoomRegistry(persistence, fanout.publish, log, fanout);
  /** The review loop's hook: presence and text stats follow the sockets and rooms. */
  const observer = observeCollab(ctx, registry);
  registerServerEdits(ctx.events, registry, persistence, fanout.publish);
  const ready = warmUp().catch((err: unknown) => log('collab warm-up failed', err));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    perMessageDeflate: false,
    // Our client offers the Twinpad extension; a stock client offers nothing and gets the stock protocol.
    handleProtocols: (offered) => (offered.has(twinpadSubprotocol) ? twinpadSubprotocol : false),
  });
  const alive = new WeakSet<WebSocket>();
  let accepting = true;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith('/collab/')) return refuse(socket, 404, 'Not found');
    socket.on('error', () => socket.destroy());
    if (!accepting) return refuse(socket, 503, 'Shutting down');
    admit(req, path.slice('/collab/'.length)).then(
      (info) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => connect(ws, info));
      },
      (err: unknown) => {
        if (err instanceof Refused) return refuse(socket, err.status, err.message);
        if (err instanceof AppError) return refuse(socket, err.status, err.message);
        log('collab upgrade failed', err);
        refuse(socket, 500, 'Internal error');
      },
    );
  };

  /**
   * The first statements after a start pay the database's cold caches (PGlite: catalog
   * and plans, ~0.5 s), and the first rows found pay cold row handling (3-5 ms more per
   * lookup after a restart): run each statement shape of an upgrade once now, on an
   * existing section and member when there is one (read only), so the first real join
   * after a restart or deploy does not.
   */
  async function warmUp(): Promise<void> {
    const none = '00000000-0000-0000-0000-000000000000';
    const [some] = await ctx.db.query<{ sectionId: string; proposalId: string; userId: string; partnerId: string }>(
      `select s.id as "sectionId", s.proposal_id as "proposalId", m.user_id as "userId", m.partner_id as "partnerId"
         from sections s join members m on m.proposal_id = s.proposal_id limit 1`,
    );
    await validateSessionToken(ctx.db, 'a'.repeat(32), ctx.clock());
    await findSectionById(ctx.db, some?.sectionId ?? none);
    await loadActor(ctx.db, some?.userId ?? none, some?.proposalId ?? none);
    await findPartnerById(ctx.db, some?.partnerId ?? none);
    await persistence.load(none);
  }

  /** Origin, session, section, membership: each refusal is an HTTP status. */
  async function admit(req: IncomingMessage, rawId: string) {
    const origin = req.headers.origin;
    if (origin !== undefined && !isAllowedOrigin(ctx, origin)) throw new Refused(403, 'Cross-origin upgrade refused');
    const auth = await authenticate(ctx, { cookie: req.headers.cookie, origin });
    if (!auth) throw new Refused(401, 'Sign in to continue');
    let sectionId: string;
    try {
      sectionId = decodeURIComponent(rawId);
    } catch {
      throw new Refused(404, 'Section not found');
    }
    if (!UUID.test(sectionId)) throw new Refused(404, 'Section not found');
    const section = await findSectionById(ctx.db, sectionId);
    if (!section) throw new Refused(404, 'Section not found');
    const actor = await loadActor(ctx.db, auth.user.id, section.proposalId);
    if (!actor.membership || !can(actor, 'proposal.read')) throw new Refused(403, 'Not a member of this proposal');
    const partner = await findPartnerById(ctx.db, actor.membership.partnerId);
    const stamp: UserStamp = {
      id: auth.user.id,
      name: auth.user.name,
      color: auth.user.color,
      partnerId: partner?.id ?? null,
      partnerName: partner?.name ?? null,
      country: partner?.country ?? null,
    };
    const access: Access = can(actor, 'section.edit', section) ? 'read-write' : 'read-only';
    return { userId: auth.user.id, sessionId: auth.session.id, proposalId: section.proposalId, sectionId, stamp, access };
  }

  function connect(ws: WebSocket, admitted: Awaited<ReturnType<typeof admit>>): void {
    const info = { ...admitted, extension: ws.protocol === twinpadSubprotocol };
    const conn = new Connection(
      {
        send: (frame) => {
          if (ws.readyState === ws.OPEN) ws.send(frame);
        },
        close: (code, reason) => ws.close(code, reason),
      },
      info,
      registry.room(info.sectionId),
    );
    registry.track(conn);
    observer.changed(conn);
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) return conn.close(closeCode.protocolError, 'text frames are not part of the protocol');
      conn.receive(toBytes(data));
    });
    ws.on('error', () => {
      /* ws closes the socket itself (1009 for an oversize frame); 'close' follows */
    });
    ws.on('close', () => {
      conn.closedBySocket();
      registry.untrack(conn);
      observer.changed(conn);
    });
    void conn.open();
  }

  /** Dead sockets (no pong since the last ping) are dropped: one timer for the whole server. */
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, limits.heartbeatMs);
  heartbeat.unref();
  /** Extension sockets that were sent nothing since the last tick get a keepalive: at most `keepaliveMs` of silence. */
  const keepalive = setInterval(() => {
    for (const conn of registry.select((c) => c.extension)) conn.keepaliveTick();
  }, limits.keepaliveMs / 2);
  keepalive.unref();

  const unsubscribe = ctx.events.subscribe((event) => {
    recheck(event).catch((err: unknown) => log('collab rights re-check failed', err));
  });

  /** Rights change live: affected sockets are downgraded (closed with 4001), closed, or upgraded in place. */
  async function recheck(event: DomainEvent): Promise<void> {
    switch (event.type) {
      case 'section.changed':
        return recheckConnections(registry.select((c) => c.sectionId === event.sectionId));
      case 'member.changed':
        return recheckConnections(registry.select((c) => c.userId === event.userId && c.proposalId === event.proposalId));
      case 'sessions.ended':
        for (const c of registry.select((c) => c.userId === event.userId && c.sessionId !== event.keepSessionId)) {
          c.close(closeCode.sessionEnded, 'session ended');
        }
        return;
      case 'session.ended':
        for (const c of registry.select((c) => c.sessionId === event.sessionId)) c.close(closeCode.sessionEnded, 'session ended');
        return;
      case 'section.restored':
      case 'partner.changed':
      case 'comment.changed':
      case 'mention':
      case 'completeness.changed':
      case 'presence.changed':
      case 'meeting.changed':
      case 'meeting.focus':
        return;
      default: {
        const never: never = event;
        throw new Error(`unknown event ${String(never)}`);
      }
    }
  }

  async function recheckConnections(conns: Connection[]): Promise<void> {
    for (const conn of conns) {
      const section = await findSectionById(ctx.db, conn.sectionId);
      if (!section) {
        conn.close(closeCode.notFound, 'section not found');
        continue;
      }
      const actor = await loadActor(ctx.db, conn.userId, section.proposalId);
      if (!can(actor, 'proposal.read')) {
        conn.close(closeCode.notFound, 'no access to this proposal');
        continue;
      }
      const access: Access = can(actor, 'section.edit', section) ? 'read-write' : 'read-only';
      if (access === conn.access) continue;
      if (access === 'read-only') conn.close(closeCode.rightsChanged, 'rights changed');
      else conn.upgrade();
    }
  }

  server.on('upgrade', onUpgrade);

  return {
    ready,
    registry,
    persistence,
    async shutdown() {
      if (!accepting) return;
      accepting = false;
      clearInterval(heartbeat);
      clearInterval(keepalive);
      unsubscribe();
      await observer.close();
      await registry.shutdown(closeCode.goingAway, 'server going away');
      await persistence.flush();
      for (const ws of wss.clients) ws.terminate();
      server.off('upgrade', onUpgrade);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Answers a refused upgrade with a plain HTTP response and drops the socket. */
function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
