import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import type { JSONContent } from '@tiptap/core';
import { WebsocketProvider } from 'y-websocket';
import { bold, bullets, heading, italic, para, text, writeTiptap } from '../test/unit/export-content';
import { connectAll, connectClient, edit, percentile, seedTwinpad, sleep, twinpadTarget, waitUntil, type BenchClient, type Target } from './clients';
import { startTwinpad } from './processes';
import { targetRow, type TargetRow } from './targets';

/**
 * Heavy work against typing (issue 16, item 4): 100 rooms, two clients each,
 * one typing at human pace (about 4 keystrokes a second) and the other
 * measuring how long each keystroke takes to reach it. First without load,
 * then while a 5 MB proposal (four sections of real-looking text) is
 * snapshotted and exported as Markdown, HTML and DOCX over and over. The
 * target: the other rooms' p99 with that load is at most 2x their p99
 * without it.
 */

const ROOMS = 100;
/** Rooms (two sockets each) per seeded coordinator: under limits.maxSocketsPerUser. */
const ROOMS_PER_USER = 30;
const KEYSTROKE_MS = 250;
const BIG_SECTIONS = 4;
const BIG_SECTION_BYTES = 1.25 * 1024 * 1024;

const words = 'young people towns partners citizens meeting Bologna Luleå Coruña Helsinki democracy participation employment energy inclusion network'.split(' ');
const sentence = (seed: number, length: number) => {
  let s = '';
  for (let i = 0; s.length < length; i++) s += (s ? ' ' : '') + words[(seed * 7 + i * 3) % words.length];
  return s;
};

/** Tiptap content whose Yjs encoding is about `bytes`: headings, paragraphs of marked runs, lists. */
function bigContent(bytes: number): JSONContent[] {
  const content: JSONContent[] = [];
  // About 620 encoded bytes a paragraph (measured on this shape).
  const paragraphs = Math.round(bytes / 620);
  for (let p = 0; p < paragraphs; p++) {
    if (p % 50 === 0) content.push(heading(2, `Work package ${p / 50}`));
    const runs: JSONContent[] = [];
    for (let r = 0; r < 6; r++) runs.push(text(`${sentence(p + r, 60)} `, ...(r % 3 === 1 ? [bold] : r % 3 === 2 ? [italic] : [])));
    content.push(p % 10 === 9 ? bullets(sentence(p, 120), sentence(p + 1, 120)) : para(...runs));
  }
  return content;
}

/** Writes the content into a section through a stock client, as one edit, and waits until it is stored (the server's echo of its state). */
async function writeSection(target: Target, section: string, content: JSONContent[]): Promise<number> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(target.url.replace(/^http/, 'ws') + '/collab', section, doc, {
    WebSocketPolyfill: target.socketClass as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  try {
    await waitUntil(() => provider.synced, 30_000, 'big section writer synced');
    writeTiptap(doc, content);
    const bytes = Y.encodeStateAsUpdate(doc).byteLength;
    // A second client's sync proves the server holds it.
    const check = new Y.Doc();
    const reader = new WebsocketProvider(target.url.replace(/^http/, 'ws') + '/collab', section, check, {
      WebSocketPolyfill: target.socketClass as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    try {
      await waitUntil(() => reader.synced && Y.encodeStateAsUpdate(check).byteLength >= bytes * 0.9, 120_000, 'big section stored');
    } finally {
      reader.destroy();
      check.destroy();
    }
    return bytes;
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

async function request(target: Target, method: 'GET' | 'POST', path: string, body?: unknown): Promise<number> {
  const res = await fetch(target.url + path, {
    method,
    headers: { origin: target.url, 'content-type': 'application/json', ...(target.cookie ? { cookie: target.cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Every room's typist types for `ms`; the other client of each room records the latencies (its onRemote). */
async function typeFor(pairs: BenchClient[][], ms: number): Promise<void> {
  const t0 = performance.now();
  const sent = new Array<number>(pairs.length).fill(0);
  const timers: NodeJS.Timeout[] = [];
  pairs.forEach((pair, i) => {
    timers.push(
      setTimeout(() => {
        const timer = setInterval(() => {
          if (performance.now() - t0 > ms) return clearInterval(timer);
          edit(pair[0]!, sent[i]!);
          sent[i]!++;
        }, KEYSTROKE_MS);
        timers.push(timer);
      }, Math.random() * KEYSTROKE_MS),
    );
  });
  await sleep(ms + KEYSTROKE_MS);
  timers.forEach((t) => clearInterval(t));
  await waitUntil(() => pairs.every((pair, i) => pair[1]!.received >= sent[i]!), 30_000, 'keystrokes delivered').catch(() => {});
}

export interface HeavyWorkResult {
  rooms: number;
  proposalBytes: number;
  seconds: number;
  without: { p50: number; p99: number; samples: number };
  with: { p50: number; p99: number; samples: number };
  heavy: { snapshots: number; exports: { md: number; html: number; docx: number }; refused: number; failed: number };
}

export async function runHeavyWorkBench(opts: { quick: boolean }): Promise<{ result: HeavyWorkResult; targets: TargetRow[]; print?: () => void }> {
  const seconds = opts.quick ? 10 : 30;
  const dataDir = mkdtempSync(join(tmpdir(), 'twinpad-heavy-work-'));
  const server = await startTwinpad('twinpad', { dataDir });
  const pairs: BenchClient[][] = [];
  try {
    // Rooms in groups of ROOMS_PER_USER, each group a coordinator of its own (a user may hold only limits.maxSocketsPerUser sockets).
    const groups: Target[] = [];
    for (let left = ROOMS; left > 0; left -= ROOMS_PER_USER) {
      const seededGroup = await seedTwinpad(server, Math.min(ROOMS_PER_USER, left));
      groups.push(twinpadTarget('twinpad', server, seededGroup.sections, seededGroup.cookie));
    }
    const seeded = { cookie: groups[0]!.cookie! };
    const target = groups[0]!;
    // The big proposal: a proposal of its own, four sections written to about 1.25 MB each.
    const created = await fetch(server.url + '/api/proposals', {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/json', cookie: seeded.cookie },
      body: JSON.stringify({ title: 'Five megabytes', leadPartner: { name: 'Comune di Bologna', town: 'Bologna', country: 'IT' } }),
    });
    const big = ((await created.json()) as { proposal: { id: string; sections: { id: string; position: number }[] } }).proposal;
    let proposalBytes = 0;
    for (const s of [...big.sections].sort((a, b) => a.position - b.position).slice(0, BIG_SECTIONS)) {
      proposalBytes += await writeSection(target, s.id, bigContent(BIG_SECTION_BYTES));
    }

    const without: number[] = [];
    const withLoad: number[] = [];
    let sink = without;
    const onRemote = (_receiver: number, _sender: number, _seq: number, latency: number) => sink.push(latency);
    for (const group of groups) {
      for (const section of group.sections) pairs.push([connectClient(group, section, 0), connectClient(group, section, 1, onRemote)]);
    }
    await connectAll(pairs.flat(), 120_000);
    await typeFor(pairs, seconds * 1000);

    sink = withLoad;
    const heavy = { snapshots: 0, exports: { md: 0, html: 0, docx: 0 }, refused: 0, failed: 0 };
    let stop = false;
    const count = (status: number, ok: number, done: () => void) => {
      if (status === ok) done();
      else if (status === 429) heavy.refused++;
      else heavy.failed++;
    };
    // Two loops, like two coordinators: one snapshots, one exports each format in turn.
    const snapshotLoop = (async () => {
      for (let i = 0; !stop; i++) count(await request(target, 'POST', `/api/proposals/${big.id}/snapshots`, { name: `Bench ${i}` }), 201, () => heavy.snapshots++);
    })();
    const exportLoop = (async () => {
      for (let i = 0; !stop; i++) {
        const format = (['md', 'html', 'docx'] as const)[i % 3]!;
        count(await request(target, 'GET', `/api/proposals/${big.id}/export?format=${format}`), 200, () => heavy.exports[format]++);
      }
    })();
    await typeFor(pairs, seconds * 1000);
    stop = true;
    await Promise.all([snapshotLoop, exportLoop]);

    const summary = (xs: number[]) => ({ p50: round(percentile(xs, 50)), p99: round(percentile(xs, 99)), samples: xs.length });
    const result: HeavyWorkResult = { rooms: ROOMS, proposalBytes, seconds, without: summary(without), with: summary(withLoad), heavy };
    const targets = [
      targetRow({
        backend: 'pglite',
        name: 'other rooms p99 while snapshotting and exporting 5 MB',
        unit: 'x',
        measured: result.with.p99 / result.without.p99,
        against: null,
        rule: { kind: 'at-most', max: 2 },
        quick: opts.quick,
      }),
    ];
    return { result, targets, print: () => printHeavyWork(result) };
  } finally {
    for (const pair of pairs) for (const c of pair) c.destroy();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

export function printHeavyWork(r: HeavyWorkResult): void {
  console.log(`heavy work: ${r.rooms} rooms typing (one keystroke / ${KEYSTROKE_MS} ms each), ${(r.proposalBytes / 1024 / 1024).toFixed(1)} MB proposal, ${r.seconds} s per phase`);
  console.log(`  other rooms without heavy work: p50 ${r.without.p50} ms, p99 ${r.without.p99} ms (${r.without.samples} keystrokes)`);
  console.log(`  other rooms with heavy work:    p50 ${r.with.p50} ms, p99 ${r.with.p99} ms (${r.with.samples} keystrokes)`);
  console.log(
    `  heavy work done meanwhile: ${r.heavy.snapshots} snapshots, exports md ${r.heavy.exports.md} / html ${r.heavy.exports.html} / docx ${r.heavy.exports.docx}, ${r.heavy.refused} refused (429), ${r.heavy.failed} failed`,
  );
  console.log(`  p99 ratio with/without: ${(r.with.p99 / r.without.p99).toFixed(2)}x (target <= 2x)`);
}
