import type { RawData, WebSocket } from 'ws';
import type { Connection } from './connection';
import type { CollabSocket } from './room-types';

/**
 * One accepted `ws` socket as the collab service holds it: the connection's
 * transport (send while open, close) and the heartbeat's alive flag. One small
 * object per socket; the socket's listeners are the service's shared functions.
 */
export class SocketLink implements CollabSocket {
  /** Answered the last ping (or just opened). */
  alive = true;
  /** Set right after construction (the connection takes this link as its transport). */
  conn!: Connection;

  constructor(readonly ws: WebSocket) {}

  send(frame: Uint8Array): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(frame);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  /** ws `bufferedAmount`: what waits in the socket's (and ws's) write buffers, not yet taken by the kernel. */
  get unsentBytes(): number {
    return this.ws.bufferedAmount;
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/** A frame's bytes as one Uint8Array (ws hands a Buffer, an ArrayBuffer or fragments). */
export function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** ws reports a frame over `maxPayload` with this error code, then closes with 1009. */
export const frameTooBigError = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
