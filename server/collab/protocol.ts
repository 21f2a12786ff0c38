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
  /** Per client, the clocks [first, end) of the structs the update brings. */
  brings: Map<number, { first: number; end: number }>;
  /** Every struct id the update's items point at (origin, right origin, parent). */
  refs: { client: number; clock: number }[];
  /** Its delete set's ranges. */
  deletes: { client: number; clock: number; len: number }[];
}

/**
 * True when applying `info` to a document whose per-client clocks `stateOf` gives
 * would park content: a struct starts past what the document has, or an item, or
 * a deletion, points at content neither the document nor the update holds.
 */
export function dependsOnMissing(info: UpdateInfo, stateOf: (client: number) => number): boolean {
  const has = (client: number, clock: number) => {
    if (clock < stateOf(client)) return true;
    const b = info.brings.get(client);
    return b !== undefined && clock >= b.first && clock < b.end;
  };
  for (const [client, b] of info.brings) if (b.first > stateOf(client)) return true;
  for (const r of info.refs) if (!has(r.client, r.clock)) return true;
  for (const d of info.deletes) if (!has(d.client, d.clock + d.len - 1)) return true;
  return false;
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
  // The clocks each client's structs cover in the update (structs of one client are contiguous).
  const brings = new Map<number, { first: number; end: number }>();
  const refs: UpdateInfo['refs'] = [];
  for (const s of structs) {
    if (s instanceof Y.Skip) throw new ProtocolError('update carries a skip struct');
    const end = s.id.clock + s.length;
    if (!Number.isSafeInteger(end) || s.length < 0 || end > MAX_CLOCK) throw new ProtocolError('struct clock out of range');
    const prev = brings.get(s.id.client);
    if (prev !== undefined && s.id.clock !== prev.end) throw new ProtocolError('update structs are not contiguous');
    brings.set(s.id.client, { first: prev?.first ?? s.id.clock, end });
    if (s instanceof Y.Item) {
      if (s.origin) refs.push(s.origin);
      if (s.rightOrigin) refs.push(s.rightOrigin);
      if (s.parent instanceof Y.ID) refs.push(s.parent);
    }
  }
  const deletes: UpdateInfo['deletes'] = [];
  for (const [client, ranges] of ds.clients) {
    for (const r of ranges) {
      if (r.len <= 0 || !Number.isSafeInteger(r.clock + r.len) || r.clock + r.len > MAX_CLOCK) throw new ProtocolError('delete range out of range');
      deletes.push({ client, clock: r.clock, len: r.len });
    }
  }
  return { hasContent: structs.length > 0 || deletes.length > 0, brings, refs, deletes };
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
