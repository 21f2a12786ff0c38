import type { IncomingMessage, Server } from 'node:http';
import type { ErrorCode } from '../../shared/error-codes';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { limits } from '../../shared/limits';
import { twinpadSubprotocol } from '../../shared/protocol';
import { UpgradeRefused } from './admission';
import type { CollabService } from './service';

/**
 * Serves `GET /collab/:sectionId` as a y-websocket endpoint on `server`: parses
 * the path, asks the collab service's admission (the policy, once), upgrades,
 * and hands the socket over. A refusal is a plain HTTP response carrying a code
 * (`{"error":{"code":...}}`) and never becomes a socket.
 */
export interface CollabRoute {
  /** Stops taking upgrades and closes the WebSocket server (after `collab.close()`). */
  detach(): Promise<void>;
}

export function attachCollabRoute(server: Server, collab: CollabService, log: (message: string, err: unknown) => void): CollabRoute {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    perMessageDeflate: false,
    // Our client offers the Twinpad extension; a stock client offers nothing and gets the stock protocol.
    handleProtocols: (offered) => (offered.has(twinpadSubprotocol) ? twinpadSubprotocol : false),
    // The service tracks its sockets; ws need not keep a second set.
    clientTracking: false,
  });

  const refuse = (socket: Duplex, refusal: UpgradeRefused) => {
    collab.refused(refusal.status, refusal.code);
    respond(socket, refusal);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith('/collab/')) return refuse(socket, new UpgradeRefused(404, 'not_found'));
    // A shared function, not a closure: a closure here would keep this upgrade's request,
    // headers and head buffer alive for the socket's whole life (V8 shares one context).
    socket.on('error', destroyOnError);
    if (!collab.accepting) return refuse(socket, new UpgradeRefused(503, 'shutting_down'));
    // Counted from here until the TCP connection closes (refused, aborted or a socket that ends).
    const slot = collab.caps.enter();
    if (!slot) return refuse(socket, new UpgradeRefused(503, 'server_full'));
    socket.once('close', slot.release);
    collab.admit({ origin: req.headers.origin, cookie: req.headers.cookie, rawSectionId: path.slice('/collab/'.length), slot }).then(
      (admission) => {
        if (socket.destroyed) return;
        if (!collab.accepting) return refuse(socket, new UpgradeRefused(503, 'shutting_down'));
        wss.handleUpgrade(req, socket, head, (ws) => {
          // ws guards the socket from here on; the route's guard was for the admission only.
          socket.off('error', destroyOnError);
          collab.accept(ws, admission);
        });
      },
      (err: unknown) => {
        if (err instanceof UpgradeRefused) return refuse(socket, err);
        log('collab upgrade failed', err);
        refuse(socket, new UpgradeRefused(500, 'internal'));
      },
    );
  };
  server.on('upgrade', onUpgrade);

  return {
    async detach() {
      server.off('upgrade', onUpgrade);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** Answers a refused upgrade with a plain HTTP response (a code, no sentence) and drops the socket. */
function respond(socket: Duplex, refusal: UpgradeRefused): void {
  if (socket.destroyed) return;
  const code: ErrorCode = refusal.code;
  const body = JSON.stringify({ error: { code, params: {} } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${refusal.status} ${statusText[refusal.status]}\r\n` +
      'Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const statusText: Record<UpgradeRefused['status'], string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
