import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { waitFor } from './yclient';

/**
 * A WebSocket client over plain TCP that completes the handshake and then stops
 * reading (the socket is paused): what the server sends piles up in the kernel's
 * buffers and then in the server's own. It can still send (masked) binary frames.
 */
export interface NonReadingSocket {
  /** Sends one binary frame (masked, as a client must). */
  send(payload: Uint8Array): void;
  /**
   * Sends an unsolicited pong every `everyMs` (RFC 6455 allows it): the server's
   * heartbeat then counts the socket alive although it reads nothing, as an attacker's would.
   */
  keepAlive(everyMs: number): void;
  /** The TCP connection ended or errored (a paused socket notices a reset when it writes). */
  readonly gone: boolean;
  destroy(): void;
}

export async function nonReadingSocket(baseUrl: string, path: string, cookie: string): Promise<NonReadingSocket> {
  const url = new URL(baseUrl);
  const socket: Socket = connect(Number(url.port), url.hostname);
  let head = Buffer.alloc(0);
  let gone = false;
  socket.on('close', () => (gone = true));
  socket.on('error', () => (gone = true));
  const onData = (d: Buffer) => {
    head = Buffer.concat([head, d]);
    if (head.includes('\r\n\r\n')) {
      socket.off('data', onData);
      // From here on nothing is read: the kernel's receive buffer fills, then the server's.
      socket.pause();
    }
  };
  socket.on('data', onData);
  socket.write(
    [
      `GET ${path} HTTP/1.1`,
      `Host: ${url.host}`,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      `Origin: ${baseUrl}`,
      `Cookie: ${cookie}`,
    ].join('\r\n') + '\r\n\r\n',
  );
  await waitFor(() => head.includes('\r\n\r\n') || gone, 5000, 'the upgrade response');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(head.toString('latin1'))?.[1];
  if (status !== '101') {
    socket.destroy();
    throw new Error(`upgrade refused: ${status ?? 'no response'}`);
  }
  let pongs: NodeJS.Timeout | null = null;
  socket.on('close', () => pongs && clearInterval(pongs));
  return {
    send(payload) {
      if (!gone) socket.write(maskedFrame(payload));
    },
    keepAlive(everyMs) {
      pongs = setInterval(() => !gone && socket.write(maskedFrame(new Uint8Array(0), 0xa)), everyMs);
    },
    get gone() {
      return gone;
    },
    destroy() {
      if (pongs) clearInterval(pongs);
      socket.destroy();
    },
  };
}

/** One final frame from a client (RFC 6455 5.2: clients mask); binary unless `opcode` says otherwise. */
export function maskedFrame(payload: Uint8Array, opcode = 0x2): Buffer {
  const len = payload.byteLength;
  const lenBytes = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + lenBytes + 4);
  header[0] = 0x80 | opcode;
  if (lenBytes === 0) header[1] = 0x80 | len;
  else if (lenBytes === 2) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(len, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  const mask = randomBytes(4);
  mask.copy(header, 2 + lenBytes);
  const body = Buffer.alloc(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([header, body]);
}
