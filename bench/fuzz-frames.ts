/**
 * Frames for the fuzz scenario (bench/fuzz.ts): a seeded PRNG, a corpus of VALID
 * y-websocket frames made with real Y.Doc edits, mutators, and a prediction of
 * whether the server closes the socket on a frame (the server's own decoder,
 * server/collab/protocol.ts, is the oracle). The same seed gives the same frames.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { limits } from '../shared/limits';
import { closeCode, messageType, syncMessageType } from '../shared/protocol';
// The wire format's encoders and decoder: the server's own.
import {
  decodeAwarenessUpdate, decodeMessage, dependsOnMissing, encodeAwareness, encodeAwarenessUpdate, inspectUpdate, type AwarenessEntry, type ClientMessage,
  encodeSyncStep1 as step1Frame, encodeSyncStep2 as step2Frame, encodeUpdate as updateFrame,
} from '../server/collab/protocol';

// ---------------------------------------------------------------- PRNG

/** float() is uniform in [0, 1), int(n) in [0, n). */
export interface Rng {
  float(): number;
  int(n: number): number;
  chance(p: number): boolean;
  bytes(n: number): Uint8Array;
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const float = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(float() * n);
  return { float, int, chance: (p) => float() < p, bytes: (n) => new Uint8Array(n).map(() => int(256)) };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)]!;

// ---------------------------------------------------------------- valid frames, real edits

const queryAwarenessFrame = () => Uint8Array.of(messageType.queryAwareness);
const awarenessFrame = (entries: readonly AwarenessEntry[]) => encodeAwareness(encodeAwarenessUpdate(entries));

const alphabet = 'abcdefghijklmnopqrstuvwxyz     éüß日本😀\n';
const word = (rng: Rng): string => Array.from({ length: 1 + rng.int(12) }, () => alphabet[rng.int(alphabet.length)]).join('');

const anyValues: readonly ((rng: Rng) => unknown)[] = [
  (rng) => rng.int(1e9) - 5e8,
  (rng) => rng.float() * 1e6,
  word,
  (rng) => rng.chance(0.5),
  () => null,
  (rng) => rng.bytes(1 + rng.int(16)),
  (rng) => ({ n: rng.int(100), list: [word(rng), rng.int(10)], nested: { ok: rng.chance(0.5) } }),
];
const anyValue = (rng: Rng): unknown => pick(rng, anyValues)(rng);

/** One edit in the shape Tiptap gives a section: paragraphs of XmlText in the `default` fragment. */
function paragraphEdit(doc: Y.Doc, rng: Rng): void {
  const root = doc.getXmlFragment('default');
  const r = rng.float();
  if (root.length === 0 || (r < 0.08 && root.length < 40)) {
    const p = new Y.XmlElement(rng.chance(0.8) ? 'paragraph' : 'heading');
    if (p.nodeName === 'heading') p.setAttribute('level', String(1 + rng.int(3)));
    p.insert(0, [new Y.XmlText(word(rng))]);
    root.insert(rng.int(root.length + 1), [p]);
    return;
  }
  const block = root.get(rng.int(root.length));
  const text = block instanceof Y.XmlElement ? block.get(0) : null;
  if (r < 0.12 || !(text instanceof Y.XmlText)) return root.delete(rng.int(root.length), 1);
  if (text.length > 200 || (r < 0.35 && text.length > 10)) text.delete(rng.int(text.length - 5), 1 + rng.int(5));
  else if (r < 0.42) text.format(0, Math.min(text.length, 1 + rng.int(8)), { bold: rng.chance(0.5) ? true : null });
  else text.insert(rng.int(text.length + 1), word(rng));
}

/** Edits beyond a section's usual shape: map values of every kind, nested types, arrays, embeds. */
function otherEdit(doc: Y.Doc, rng: Rng): void {
  const meta = doc.getMap('meta');
  const list = doc.getArray('list');
  const r = rng.int(5);
  if (r === 0) meta.set(`k${rng.int(16)}`, anyValue(rng));
  else if (r === 1) meta.set(`t${rng.int(4)}`, pick(rng, [() => new Y.Map(), () => new Y.Array(), () => new Y.Text(word(rng))])());
  else if (r === 2) list.length > 40 ? list.delete(0, 10) : list.insert(rng.int(list.length + 1), [anyValue(rng)]);
  else if (r === 3) doc.getText('notes').insertEmbed(0, { image: word(rng) });
  else meta.delete(`k${rng.int(16)}`);
}

/** Valid frames of every type (updates, sync step 2 and step 1, awareness), made with two Y.Docs editing and syncing. */
export type Corpus = ReturnType<typeof buildCorpus>;

export function buildCorpus(seed: number) {
  const rng = createRng(seed);
  const docs = [new Y.Doc(), new Y.Doc()] as const;
  const updates: Uint8Array[] = [];
  for (const doc of docs) {
    doc.clientID = 1 + rng.int(2 ** 31);
    doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && updates.push(u));
  }
  for (let round = 0; round < 40; round++) {
    for (const doc of docs) Y.transact(doc, () => (rng.chance(0.6) ? paragraphEdit : otherEdit)(doc, rng));
    if (round % 4 === 3) {
      Y.applyUpdate(docs[1], Y.encodeStateAsUpdate(docs[0], Y.encodeStateVector(docs[1])), 'sync');
      Y.applyUpdate(docs[0], Y.encodeStateAsUpdate(docs[1], Y.encodeStateVector(docs[0])), 'sync');
    }
  }
  const syncs = [Y.mergeUpdates(updates.slice(0, 10)), Y.encodeStateAsUpdate(docs[0]), Y.encodeStateAsUpdate(docs[1], Y.encodeStateVector(docs[0]))];
  const stateVectors = [...docs.map((d) => Y.encodeStateVector(d)), Y.encodeStateVector(new Y.Doc())];
  const awareness = [
    [{ clientId: docs[0].clientID, clock: 3, json: JSON.stringify({ cursor: { anchor: 1, head: 4 }, user: { name: 'A' } }) }],
    [{ clientId: docs[1].clientID, clock: 9, json: 'null' }],
    [1, 2, 3].map((i) => ({ clientId: docs[0].clientID + i, clock: i, json: JSON.stringify({ cursor: null, i }) })),
  ];
  const corpus = { updates: updates.map(updateFrame), step2s: syncs.map(step2Frame), step1s: stateVectors.map(step1Frame), awareness: awareness.map(awarenessFrame) };
  return { ...corpus, all: [...Object.values(corpus).flat(), queryAwarenessFrame()] } as const;
}

// ---------------------------------------------------------------- mutators (pure: same rng state, same output)

type Mutator = (rng: Rng, bytes: Uint8Array, other: Uint8Array) => Uint8Array;

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.byteLength));
  return out;
};
const varUint = (n: number) => encoding.encode((e) => encoding.writeVarUint(e, n));
/** Lengths and counts that break assumptions: zero, varint boundaries, 2^31, 2^32, 2^53 - 1. */
const edgeNumbers = [0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER];

/** Copies `b` and changes the copy (when it has bytes). */
const changed = (b: Uint8Array, change: (out: Uint8Array) => void) => {
  const out = b.slice();
  if (out.length > 0) change(out);
  return out;
};
/** `b` with `drop` bytes at `at` replaced by `insert`. */
const replaced = (b: Uint8Array, at: number, drop: number, insert: Uint8Array) => concat(b.subarray(0, at), insert, b.subarray(at + drop));

export const mutators = {
  flipBits: (rng, b) => changed(b, (out) => Array.from({ length: 1 + rng.int(4) }, () => (out[rng.int(out.length)]! ^= 1 << rng.int(8)))),
  overwriteByte: (rng, b) => changed(b, (out) => (out[rng.int(out.length)] = rng.int(256))),
  truncate: (rng, b) => b.slice(0, rng.int(b.length)),
  insertBytes: (rng, b) => replaced(b, rng.int(b.length + 1), 0, rng.bytes(1 + rng.int(8))),
  deleteBytes: (rng, b) => replaced(b, rng.int(b.length + 1), 1 + rng.int(8), new Uint8Array()),
  /** Replaces one byte with a whole varint, often one spanning several bytes. */
  varint: (rng, b) => replaced(b, rng.int(b.length + 1), 1, varUint(pick(rng, edgeNumbers))),
  /** Head of one frame, tail of another. */
  splice: (rng, b, other) => concat(b.subarray(0, rng.int(b.length + 1)), other.subarray(rng.int(other.length + 1))),
  /** The first varint (a frame's type, an update's struct count, an awareness entry count) becomes an edge number. */
  leadingCount: (rng, b) => {
    let end = 0;
    while (end < b.length && b[end]! >= 0x80) end++;
    return concat(varUint(pick(rng, edgeNumbers)), b.subarray(end + 1));
  },
} satisfies Record<string, Mutator>;
const mutatorList: readonly Mutator[] = Object.values(mutators);

/** A sync or awareness frame split into its header and its length-prefixed payload; null for anything else. */
function splitEnvelope(frame: Uint8Array): { head: Uint8Array; payload: Uint8Array } | null {
  const d = decoding.createDecoder(frame);
  try {
    const type = decoding.readVarUint(d);
    if (type === messageType.sync) decoding.readVarUint(d);
    else if (type !== messageType.awareness) return null;
    const head = frame.slice(0, d.pos);
    return { head, payload: decoding.readVarUint8Array(d) };
  } catch {
    return null;
  }
}

/**
 * Mutations of `base` (mostly one, up to three): inside the payload with a correct
 * length prefix (most of them, so the decoder reaches Yjs or the awareness decoder),
 * on the raw bytes, or a wrong length prefix (short, long, or huge).
 */
export function mutate(rng: Rng, base: Uint8Array, other: Uint8Array): Uint8Array {
  const env = splitEnvelope(base);
  const r = rng.float();
  if (env && r < 0.1) {
    const declared = rng.chance(0.5) ? pick(rng, edgeNumbers) : Math.max(0, env.payload.length + rng.int(9) - 4);
    return concat(env.head, varUint(declared), env.payload);
  }
  const inPayload = env !== null && r < 0.85;
  let out = inPayload ? env.payload : base;
  for (let i = rng.chance(0.7) ? 1 : 2 + rng.int(2); i > 0; i--) out = pick(rng, mutatorList)(rng, out, other);
  return inPayload ? concat(env.head, varUint(out.length), out) : out;
}

// ---------------------------------------------------------------- the server's verdict, predicted

/** The awareness client ID a socket owns (it announced it first) and that state's clock. */
export type OwnAwareness = { readonly clientId: number; readonly clock: number | null };
/** `code`: the close code the server is expected to send, or null when it keeps the socket open (and then owns `own`). */
export type Prediction = { code: number | null; own: OwnAwareness };

/** A refusal the prediction found (caught in `predict`). */
const refused = (): never => {
  throw new Error('refused');
};

/**
 * What the server does with `frame` on a socket that owns `own`: the same decode
 * and the same checks (server/collab/connection.ts, room.ts, awareness.ts). Updates
 * are applied to `shadow`, this thrower's stand-in for the room's document (a
 * mutated update can break Yjs's integration); the room's size limit, its bound
 * on parked content and other throwers' content it cannot see.
 */
export function predict(frame: Uint8Array, own: OwnAwareness, shadow: Y.Doc | null): Prediction {
  if (frame.byteLength > limits.maxPayloadBytes) return { code: closeCode.frameTooBig, own };
  try {
    const message: ClientMessage = decodeMessage(frame);
    switch (message.type) {
      case 'sync-step1':
        Y.decodeStateVector(message.stateVector);
        return { code: null, own };
      case 'sync-step2':
      case 'update': {
        const info = inspectUpdate(message.update);
        if (!info.hasContent || !shadow) return { code: null, own };
        // The socket sent its sync step 2 when it opened: content depending on what the room lacks closes it.
        if (dependsOnMissing(info, (client) => Y.getState(shadow.store, client))) return { code: closeCode.protocolError, own };
        applyToShadow(shadow, message.update);
        return { code: null, own };
      }
      case 'awareness':
        return { code: null, own: predictAwareness(message.update, own) };
      case 'auth':
        return refused();
      case 'query-awareness':
        return { code: null, own };
    }
  } catch {
    return { code: closeCode.protocolError, own };
  }
}

function isStep1(frame: Uint8Array): boolean {
  try {
    return decodeMessage(frame).type === 'sync-step1';
  } catch {
    return false;
  }
}

/**
 * The shadow keeps nothing parked: merging parked content into every later update
 * is what makes such updates expensive (for the room too), and the thrower must
 * stay cheap. So the room's bound on parked content is not predicted.
 */
function applyToShadow(shadow: Y.Doc, update: Uint8Array): void {
  try {
    Y.applyUpdate(shadow, update);
  } finally {
    shadow.store.pendingStructs = null;
    shadow.store.pendingDs = null;
  }
}

/** server/collab/awareness.ts: only entries for the socket's own client ID are checked (size, JSON, an object or null). */
function predictAwareness(update: Uint8Array, own: OwnAwareness): OwnAwareness {
  let clock = own.clock;
  for (const entry of decodeAwarenessUpdate(update)) {
    if (entry.clientId !== own.clientId) continue;
    if (Buffer.byteLength(entry.json) > limits.maxAwarenessStateBytes) refused();
    const state: unknown = JSON.parse(entry.json);
    if (clock !== null && entry.clock <= clock) continue;
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) refused();
    clock = state === null ? null : entry.clock;
  }
  return { clientId: own.clientId, clock };
}

// ---------------------------------------------------------------- one thrower's stream

export const frameKinds = ['update', 'step2', 'step1', 'awareness', 'foreign-awareness', 'query-awareness', 'replay', 'mutated', 'random', 'oversize'] as const;
export type FrameKind = (typeof frameKinds)[number];

/** `code`: the close code the server is expected to answer with; null when the socket stays open. */
export type Frame = { kind: FrameKind; bytes: Uint8Array; code: number | null };

/** The raw stream's weights. Frames predicted to keep the socket open are thrown; one predicted to close it ends a connection. */
const mix: readonly (readonly [FrameKind, number])[] = [
  ['update', 2], ['step2', 0.3], ['step1', 0.1], ['awareness', 2], ['foreign-awareness', 2], ['query-awareness', 1], ['replay', 1], ['mutated', 86], ['random', 5],
];
const mixTotal = mix.reduce((n, [, w]) => n + w, 0);
/** Share of closers that are oversize frames (over limits.maxPayloadBytes: the server closes with 1009). */
const OVERSIZE_CLOSERS = 0.01;

/**
 * One hostile socket's frames across its reconnects: its own Y.Doc makes fresh
 * edits (so the Yjs apply, persistence and broadcast paths run), its awareness
 * client ID changes with each connection, and every frame carries its predicted
 * verdict. Deterministic for a seed and a sequence of calls.
 */
export class FrameStream {
  private readonly rng: Rng;
  private readonly doc = new Y.Doc({ gc: true });
  private readonly shadow = new Y.Doc({ gc: true });
  private readonly recent: Uint8Array[] = [];
  private lastUpdate: Uint8Array = new Uint8Array();
  private own: OwnAwareness = { clientId: 0, clock: null };
  private held: Frame | null = null;
  /** Sync step 1 frames on this connection: past the server's own bucket for them, the next one closes (4008). */
  private step1s = 0;
  /** Frames generated but not thrown: predicted to close the socket while a closer was already held. */
  skipped = 0;

  constructor(seed: number, private readonly corpus: Corpus) {
    this.rng = createRng(seed);
    this.doc.clientID = 1 + this.rng.int(2 ** 31);
    this.doc.on('update', (u: Uint8Array) => (this.lastUpdate = u));
  }

  /** A new connection opens as a stock client does: awareness, sync step 1, and its whole state as sync step 2. */
  open(): Frame[] {
    this.own = { clientId: 1 + this.rng.int(2 ** 31), clock: 1 };
    this.step1s = 1;
    return [
      { kind: 'awareness', bytes: awarenessFrame([{ clientId: this.own.clientId, clock: 1, json: this.cursor() }]), code: null },
      { kind: 'step1', bytes: step1Frame(Y.encodeStateVector(this.doc)), code: null },
      { kind: 'step2', bytes: step2Frame(Y.encodeStateAsUpdate(this.doc)), code: null },
    ];
  }

  /** The next frame predicted to keep the socket open. */
  nextSafe(): Frame {
    for (;;) {
      let r = this.rng.float() * mixTotal;
      const kind = mix.find(([, w]) => (r -= w) < 0)?.[0] ?? 'mutated';
      const frame = this.judge(kind, this.draw(kind));
      if (frame.code === null) return frame;
      if (this.held) this.skipped++;
      else this.held = frame;
    }
  }

  /** A frame predicted to close the socket: a mutated or random one, or now and then an oversize one. */
  nextCloser(): Frame {
    if (this.rng.chance(OVERSIZE_CLOSERS)) {
      const bytes = new Uint8Array(limits.maxPayloadBytes + 1 + this.rng.int(4096));
      bytes.set(concat(Uint8Array.of(messageType.sync, syncMessageType.update), varUint(bytes.length - 8)));
      return { kind: 'oversize', bytes, code: closeCode.frameTooBig };
    }
    const held = this.held;
    this.held = null;
    // Held from an earlier connection, an awareness frame may no longer concern this socket's client ID.
    if (held && this.rng.chance(0.5) && predict(held.bytes, this.own, null).code !== null) return held;
    if (held) this.skipped++;
    for (;;) {
      const kind = this.rng.chance(0.5) ? 'random' : 'mutated';
      const bytes = this.draw(kind);
      // Decode-level verdicts only: what breaks the shadow document may not break the room's.
      const code = predict(bytes, this.own, null).code;
      if (code !== null) return { kind, bytes, code };
      this.skipped++;
    }
  }

  private judge(kind: FrameKind, bytes: Uint8Array): Frame {
    const p = predict(bytes, this.own, this.shadow);
    if (p.code === null && isStep1(bytes)) {
      // The server refills the bucket slowly (limits.syncRequestsPerMinute): predict the burst only.
      if (this.step1s >= limits.syncRequestBurst) return { kind, bytes, code: closeCode.rateLimited };
      this.step1s++;
    }
    if (p.code === null) this.own = p.own;
    return { kind, bytes, code: p.code };
  }

  private cursor(): string {
    const anchor = this.rng.int(500);
    return JSON.stringify({ cursor: { anchor, head: anchor + this.rng.int(20) }, user: { name: 'fuzz' } });
  }

  private edit(): Uint8Array {
    Y.transact(this.doc, () => (this.rng.chance(0.85) ? paragraphEdit : otherEdit)(this.doc, this.rng));
    if (this.recent.length < 32) this.recent.push(this.lastUpdate);
    else this.recent[this.rng.int(32)] = this.lastUpdate;
    return this.lastUpdate;
  }

  /** What a mutation starts from: mostly updates (this thrower's recent edits or the corpus), then awareness, sync step 1 and 2, query-awareness. */
  private mutationBase(): Uint8Array {
    const r = this.rng.float();
    if (r < 0.35 && this.recent.length > 0) return updateFrame(pick(this.rng, this.recent));
    if (r < 0.6) return pick(this.rng, this.corpus.updates);
    if (r < 0.7) return pick(this.rng, this.corpus.step2s);
    if (r < 0.8) return this.draw('awareness');
    if (r < 0.9) return pick(this.rng, this.corpus.awareness);
    if (r < 0.95) return pick(this.rng, this.corpus.step1s);
    return queryAwarenessFrame();
  }

  private draw(kind: FrameKind): Uint8Array {
    const rng = this.rng;
    switch (kind) {
      case 'update':
      case 'step2':
        return (kind === 'update' ? updateFrame : step2Frame)(this.edit());
      case 'step1':
        return step1Frame(rng.chance(0.8) ? Y.encodeStateVector(this.doc) : Uint8Array.of(0));
      case 'awareness': {
        const clock = (this.own.clock ?? 1) + 1;
        return awarenessFrame([{ clientId: this.own.clientId, clock, json: rng.chance(0.05) ? 'null' : this.cursor() }]);
      }
      case 'foreign-awareness': {
        const garbage = () => String.fromCharCode(...Array.from({ length: rng.int(40) }, () => rng.int(0x3000)));
        return awarenessFrame(Array.from({ length: 1 + rng.int(3) }, () => ({ clientId: 1 + rng.int(2 ** 31), clock: rng.int(100), json: garbage() })));
      }
      case 'query-awareness':
      case 'oversize': // never drawn: nextCloser makes those
        return queryAwarenessFrame();
      case 'replay':
        return pick(rng, this.corpus.all);
      case 'mutated':
        return mutate(rng, this.mutationBase(), pick(rng, this.corpus.all));
      case 'random': {
        const bytes = rng.bytes(rng.chance(0.9) ? 1 + rng.int(48) : 1 + rng.int(4096));
        if (rng.chance(0.5)) bytes[0] = rng.int(4);
        return bytes;
      }
    }
  }
}
