import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { authMessageType, messageType, syncMessageType } from '../../shared/protocol';

/**
 * The y-websocket wire protocol: a frame is decoded ONCE into a tagged union,
 * and every decode failure is one ProtocolError. The connection then handles
 * the union in one exhaustive switch. Encoders for every frame the server sends
 * live here too.
 */
export type ClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'auth'; subType: number; reason: string }
  | { type: 'query-awareness' };

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Decodes one frame. Throws ProtocolError for truncation, unknown types and trailing bytes. */
export function decodeMessage(frame: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(frame);
  let message: ClientMessage;
  try {
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case messageType.sync: {
        const sub = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (sub === syncMessageType.step1) message = { type: 'sync-step1', stateVector: payload };
        else if (sub === syncMessageType.step2) message = { type: 'sync-step2', update: payload };
        else if (sub === syncMessageType.update) message = { type: 'update', update: payload };
        else throw new ProtocolError(`unknown sync message type ${sub}`);
        break;
      }
      case messageType.awareness:
        message = { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
        break;
      case messageType.auth: {
        const subType = decoding.readVarUint(decoder);
        message = { type: 'auth', subType, reason: decoding.readVarString(decoder) };
        break;
      }
      case messageType.queryAwareness:
        message = { type: 'query-awareness' };
        break;
      default:
        throw new ProtocolError(`unknown message type ${type}`);
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError(`malformed frame: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after message');
  return message;
}

// ---------------------------------------------------------------- Yjs update inspection

/** Largest clock a struct may reach; beyond it clocks lose precision in lib0's varints. */
const MAX_CLOCK = 2 ** 32;

export interface UpdateInfo {
  /** The update has structs or deletions: it would change a document. */
  hasContent: boolean;
}

/**
 * Checks an untrusted Yjs (v1) update before it touches a room's document:
 * it must decode (lib0 throws on truncation: zero-length and garbage updates,
 * yjs#479, #498), carry no Skip structs, keep clocks below 2^32 (run-length
 * ballooning, yjs#687) and keep each client's structs contiguous. Throws ProtocolError.
 *
 * An update may depend on content the room has not seen yet: a client that typed
 * offline sends new keystrokes as soon as it reconnects, before its sync step 2
 * carries the offline part. Yjs parks such structs as pending until the missing
 * part arrives; the room bounds that store (`limits.maxPendingBytes`).
 */
export function inspectUpdate(update: Uint8Array): UpdateInfo {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (err) {
    throw new ProtocolError(`malformed update: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { structs, ds } = decoded;
  // The end clock each client reaches in the update (structs of one client are contiguous).
  const updateEnd = new Map<number, number>();
  for (const s of structs) {
    if (s instanceof Y.Skip) throw new ProtocolError('update carries a skip struct');
    const end = s.id.clock + s.length;
    if (!Number.isSafeInteger(end) || s.length < 0 || end > MAX_CLOCK) throw new ProtocolError('struct clock out of range');
    const prev = updateEnd.get(s.id.client);
    if (prev !== undefined && s.id.clock !== prev) throw new ProtocolError('update structs are not contiguous');
    updateEnd.set(s.id.client, end);
  }
  let deletes = 0;
  for (const [, ranges] of ds.clients) {
    for (const r of ranges) {
      deletes++;
      if (r.len <= 0 || !Number.isSafeInteger(r.clock + r.len) || r.clock + r.len > MAX_CLOCK) throw new ProtocolError('delete range out of range');
    }
  }
  return { hasContent: structs.length > 0 || deletes > 0 };
}

// ---------------------------------------------------------------- encoders

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

function syncFrame(sub: (typeof syncMessageType)[keyof typeof syncMessageType], payload: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, messageType.sync);
    encoding.writeVarUint(e, sub);
    encoding.writeVarUint8Array(e, payload);
  });
}

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array => syncFrame(syncMessageType.step1, stateVector);
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => syncFrame(syncMessageType.step2, update);
export const encodeUpdate = (update: Uint8Array): Uint8Array => syncFrame(syncMessageType.update, update);

export function encodeAwareness(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, messageType.awareness);
    encoding.writeVarUint8Array(e, update);
  });
}

/** y-protocols/auth's permission-denied message. */
export function encodePermissionDenied(reason: string): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, messageType.auth);
    encoding.writeVarUint(e, authMessageType.permissionDenied);
    encoding.writeVarString(e, reason);
  });
}

// ---------------------------------------------------------------- awareness updates

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state's JSON text; 'null' removes the client. */
  json: string;
}

/** Decodes an awareness update (y-protocols/awareness format) without applying it. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const entries: AwarenessEntry[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      entries.push({ clientId, clock, json });
    }
  } catch (err) {
    throw new ProtocolError(`malformed awareness update: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after awareness update');
  return entries;
}

export function encodeAwarenessUpdate(entries: Iterable<AwarenessEntry>): Uint8Array {
  const list = [...entries];
  return frame((e) => {
    encoding.writeVarUint(e, list.length);
    for (const entry of list) {
      encoding.writeVarUint(e, entry.clientId);
      encoding.writeVarUint(e, entry.clock);
      encoding.writeVarString(e, entry.json);
    }
  });
}
