/**
 * The memory soak of issue 16 (SEC11): 100 sockets that never read, each asking
 * (the sync-request burst, with a partial state vector) for a 4 MB section, against
 * a Twinpad process on PGlite. It records the server's RSS at rest (baseline, after
 * a GC), its peak while the sockets ask, and its RSS once they are gone (after a GC).
 *
 * Two attacks, one after the other on the same server:
 *   - `whole`: each state vector holds one character of one author, so the client
 *     lacks nearly the whole document and the room answers with its shared
 *     whole-document frame (one buffer for every socket);
 *   - `diff`: each lacks a little under half, so its first reply is its own ~2 MB
 *     diff; while it has not read that, later requests get the shared frame (the
 *     worst case: one own diff per socket, then send backpressure drops it).
 *
 * Targets: peak RSS at most baseline + 256 MiB (100 sockets x 2.5 MiB: a quarter of
 * one whole reply each; without the fix 40 such sockets added about 860 MB), and RSS
 * after they close within 20% of the baseline. `runSoakBench()` is the entry point
 * for bench/run.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { limits } from '../shared/limits';
import { nonReadingSocket, type NonReadingSocket } from '../test/helpers/raw-socket';
import { frameKind, step1Frame, typeParagraph, updateFrame } from '../test/helpers/yclient';
import { seedTwinpad } from './clients';
import { withInspector } from './inspector';
import { startTwinpad, type ServerProcess } from './processes';
import { targetRow, type TargetRow } from './targets';

const MiB = 1024 * 1024;
/** Authors per section, 1 MB of text each. */
const AUTHORS = 4;
/** Sockets per section: two users, each under the per-user socket cap. */
const SOCKETS_PER_SECTION = 50;
/** The documented bound on the peak above the baseline. */
const PEAK_BOUND_MIB = 256;

export interface SoakPhase {
  attack: 'whole' | 'diff';
  sockets: number;
  /** Sockets the server dropped (send backlog) before the end of the phase. */
  dropped: number;
  baselineMiB: number;
  peakMiB: number;
  afterMiB: number;
}

export interface SoakResult {
  docBytes: number;
  phases: SoakPhase[];
}

interface Section {
  id: string;
  cookie: string;
  /** The authors' client ids and clocks, in the order they were written. */
  authors: { client: number; clock: number }[];
}

/** Progress lines on stderr (SOAK_VERBOSE=1). */
const progress = (line: string) => process.env.SOAK_VERBOSE && console.error(`soak: ${line}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`soak: timed out waiting for ${what}`);
    await sleep(50);
  }
}

function openSocket(server: ServerProcess, sectionId: string, cookie: string): Promise<{ ws: WebSocket; frames: Uint8Array[] }> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/collab/${sectionId}`, { headers: { cookie, origin: server.url } });
  const frames: Uint8Array[] = [];
  ws.on('message', (d: Buffer) => frames.push(new Uint8Array(d)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('error', reject);
  });
}

/** Writes AUTHORS x 1 MB of text into the section, then waits until a fresh socket's sync carries all of it. */
async function seedSection(server: ServerProcess, sectionId: string, cookie: string): Promise<Section> {
  const writer = await openSocket(server, sectionId, cookie);
  writer.ws.on('close', (code, reason) => progress(`writer closed ${code} ${reason.toString()}`));
  const authors: Section['authors'] = [];
  for (let i = 0; i < AUTHORS; i++) {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    // 1 MB in 100 KB steps, paced: one huge update keeps a loaded server busy past a heartbeat.
    typeParagraph({ doc }, '');
    const paragraph = doc.getXmlFragment('default').get(0) as Y.XmlElement;
    const text = paragraph.get(0) as Y.XmlText;
    for (let k = 0; k < 10; k++) text.insert(k * 100_000, String.fromCharCode(97 + i).repeat(100_000));
    authors.push({ client: doc.clientID, clock: Y.getState(doc.store, doc.clientID) });
    for (const u of updates) {
      writer.ws.send(updateFrame(u));
      await sleep(50);
    }
    doc.destroy();
  }
  for (;;) {
    const checker = await openSocket(server, sectionId, cookie);
    checker.ws.send(step1Frame(Y.encodeStateVector(new Map())));
    await until(() => checker.frames.some((f) => frameKind(f).sub === 1), 30_000, 'the seed sync');
    const reply = checker.frames.find((f) => frameKind(f).sub === 1)!;
    checker.ws.terminate();
    if (holdsAll(reply, authors)) break;
    progress('seed not complete yet');
    await sleep(200);
  }
  writer.ws.close();
  return { id: sectionId, cookie, authors };
}

/** The sync step 2 frame holds every author's text up to its clock. */
function holdsAll(frame: Uint8Array, authors: Section['authors']): boolean {
  const d = decoding.createDecoder(frame);
  decoding.readVarUint(d);
  decoding.readVarUint(d);
  const state = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(decoding.readVarUint8Array(d)));
  return authors.every((a) => (state.get(a.client) ?? 0) >= a.clock);
}

/** The state vector of an attack: one character of the first author, or a little under half of the document. */
function attackVector(section: Section, attack: SoakPhase['attack']): Uint8Array {
  const [a, b, c] = section.authors;
  switch (attack) {
    case 'whole':
      return Y.encodeStateVector(new Map([[a!.client, 1]]));
    case 'diff':
      return Y.encodeStateVector(new Map([[a!.client, a!.clock], [b!.client, b!.clock], [c!.client, 1]]));
    default: {
      const never: never = attack;
      throw new Error(`unknown attack ${String(never)}`);
    }
  }
}

async function settledRss(server: ServerProcess): Promise<number> {
  await withInspector(server.inspectorUrl, (inspector) => inspector.collectGarbage());
  await sleep(500);
  await withInspector(server.inspectorUrl, (inspector) => inspector.collectGarbage());
  return server.rssBytes();
}

async function runPhase(server: ServerProcess, sections: Section[], attack: SoakPhase['attack'], holdMs: number): Promise<SoakPhase> {
  const baseline = await settledRss(server);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, server.rssBytes())), 50);
  const sockets: NonReadingSocket[] = [];
  try {
    for (const section of sections) {
      const opened = await Promise.all(Array.from({ length: SOCKETS_PER_SECTION }, () => nonReadingSocket(server.url, `/collab/${section.id}`, section.cookie)));
      for (const s of opened) s.keepAlive(1000);
      sockets.push(...opened);
    }
    let i = 0;
    for (const section of sections) {
      const frame = step1Frame(attackVector(section, attack));
      for (const s of sockets.slice(i, i + SOCKETS_PER_SECTION)) for (let k = 0; k < limits.syncRequestBurst; k++) s.send(frame);
      i += SOCKETS_PER_SECTION;
    }
    await sleep(holdMs);
  } finally {
    clearInterval(sampler);
  }
  const dropped = sockets.filter((s) => s.gone).length;
  for (const s of sockets) s.destroy();
  // The rooms unload once their sockets are gone (and compact first).
  await sleep(3000);
  const after = await settledRss(server);
  return { attack, sockets: sockets.length, dropped, baselineMiB: baseline / MiB, peakMiB: peak / MiB, afterMiB: after / MiB };
}

export async function runSoakBench(opts: { quick: boolean }): Promise<{ result: SoakResult; targets: TargetRow[]; print: () => void }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twinpad-soak-'));
  const server = await startTwinpad('soak', { dataDir });
  const result: SoakResult = { docBytes: 0, phases: [] };
  try {
    // Two users (each under limits.maxSocketsPerUser), one 4 MB section each.
    const sections: Section[] = [];
    for (let u = 0; u < 2; u++) {
      const seeded = await seedTwinpad(server, 1);
      progress(`seeding section ${u + 1}`);
      sections.push(await seedSection(server, seeded.sections[0]!, seeded.cookie));
    }
    result.docBytes = AUTHORS * 1_000_000;
    await sleep(3000);
    for (const attack of ['whole', 'diff'] as const) progress(`attack ${attack}`), result.phases.push(await runPhase(server, sections, attack, opts.quick ? 6000 : 15_000));
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const targets = result.phases.flatMap((p) => [
    targetRow({
      backend: 'pglite',
      name: `soak ${p.attack}: peak RSS over baseline (${p.sockets} non-reading sockets)`,
      unit: 'MiB',
      measured: p.peakMiB - p.baselineMiB,
      against: null,
      rule: { kind: 'at-most', max: PEAK_BOUND_MIB },
      quick: opts.quick,
    }),
    targetRow({
      backend: 'pglite',
      name: `soak ${p.attack}: RSS after close / baseline`,
      unit: 'x',
      measured: p.afterMiB / p.baselineMiB,
      against: null,
      rule: { kind: 'at-most', max: 1.2 },
      quick: opts.quick,
    }),
  ]);
  return {
    result,
    targets,
    print() {
      console.log(`\nsoak: ${result.phases[0]?.sockets ?? 0} non-reading sockets, each asking ${limits.syncRequestBurst}x for a ${(result.docBytes / 1e6).toFixed(1)} MB section`);
      for (const p of result.phases) {
        console.log(
          `  ${p.attack.padEnd(5)}  baseline ${p.baselineMiB.toFixed(0)} MiB  peak ${p.peakMiB.toFixed(0)} MiB (+${(p.peakMiB - p.baselineMiB).toFixed(0)})  after ${p.afterMiB.toFixed(0)} MiB (${((p.afterMiB / p.baselineMiB - 1) * 100).toFixed(1)}%)  dropped ${p.dropped}/${p.sockets}`,
        );
      }
    },
  };
}
