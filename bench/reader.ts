/**
 * `node --import tsx bench/reader.ts`: what reading a section's document costs,
 * per read, for the readers before issue 17 (the walkers of server/section-text.ts,
 * server/export/document-model.ts, server/history/text-blocks.ts and the client's
 * fragment-blocks.ts, loaded from git at the commit before they were replaced)
 * against the candidates:
 *   - the shared reader (shared/document: iterative Yjs walk into blocks);
 *   - @tiptap/y-tiptap's yXmlFragmentToProseMirrorRootNode with the editor's
 *     schema, then the editor's counter over the ProseMirror node;
 *   - the depth check alone (documentDepth), the guard before recursive code.
 * Two documents: a realistic section (about 3,000 words with headings, marks,
 * links, lists and a table, written as the editor writes it) and a large one
 * (50,000 keystrokes typed one transaction each, with a wandering cursor,
 * backspaces and new paragraphs). Prints ms per read and writes JSON to
 * bench/results/reader-<timestamp>.json. `runReaderBench()` is the entry point
 * for bench/run.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import type { JSONContent } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { editorSchema } from '../shared/document/editor-schema';
import { sectionField } from '../shared/document/model';
import { proseMirrorChars } from '../shared/document/prosemirror-count';
import { readSection } from '../shared/document/read-blocks';
import { fragmentBlocks, sectionChars, textBlocks } from '../shared/document/text-blocks';
import { documentDepth } from '../shared/document/traverse';
import { countBlockChars } from '../shared/char-count';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
/** The last commit with the five walkers of before issue 17. */
const legacyCommit = '399f8305';
const legacyFiles = ['shared/char-count.ts', 'server/section-text.ts', 'server/export/document-model.ts', 'server/history/text-blocks.ts', 'client/features/present/fragment-blocks.ts'];

export interface ReaderTiming {
  doc: string;
  reader: string;
  /** Median over timed batches. */
  msPerRead: number;
  /** Fastest batch. */
  minMsPerRead: number;
  reads: number;
}

export interface ReaderBenchResult {
  docs: { name: string; bytes: number; chars: number; depth: number }[];
  timings: ReaderTiming[];
  /** Null when git or the legacy commit is not available (a tarball checkout). */
  legacy: string | null;
}

// ---------------------------------------------------------------- documents

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const vocabulary = 'young people towns partners citizens meeting Bologna Luleå Coruña Helsinki democracy participation employment energy inclusion network remembrance solidarity'.split(' ');

function words(rand: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(vocabulary[Math.floor(rand() * vocabulary.length)]!);
  return out.join(' ');
}

/** About 3,000 words: headings, paragraphs with marks and links, nested lists, a quote, a table. */
function realisticContent(): JSONContent[] {
  const rand = rng(17);
  const t = (text: string, marks?: JSONContent['marks']): JSONContent => (marks ? { type: 'text', text, marks } : { type: 'text', text });
  const p = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content });
  const li = (text: string): JSONContent => ({ type: 'listItem', content: [p(t(text))] });
  const cell = (type: string, text: string): JSONContent => ({ type, content: [p(t(text))] });
  const out: JSONContent[] = [];
  for (let part = 0; part < 10; part++) {
    out.push({ type: 'heading', attrs: { level: 2 }, content: [t(`Part ${part + 1} ${words(rand, 3)}`)] });
    for (let i = 0; i < 4; i++) {
      out.push(p(t(words(rand, 30)), t(words(rand, 4), [{ type: 'bold' }]), t(` ${words(rand, 20)} `), t(words(rand, 3), [{ type: 'link', attrs: { href: 'https://ec.europa.eu/cerv' } }]), t(` ${words(rand, 10)}.`)));
    }
    out.push({ type: 'bulletList', content: [li(words(rand, 12)), { type: 'listItem', content: [p(t(words(rand, 8))), { type: 'orderedList', content: [li(words(rand, 6)), li(words(rand, 6))] }] }, li(words(rand, 12))] });
    out.push({ type: 'blockquote', content: [p(t(words(rand, 25), [{ type: 'italic' }]))] });
  }
  out.push({
    type: 'table',
    content: [
      { type: 'tableRow', content: [cell('tableHeader', 'Town'), cell('tableHeader', 'Activity'), cell('tableHeader', 'Month')] },
      ...Array.from({ length: 8 }, () => ({ type: 'tableRow', content: [cell('tableCell', words(rand, 1)), cell('tableCell', words(rand, 12)), cell('tableCell', words(rand, 1))] })),
    ],
  });
  return out;
}

export function realisticDoc(): Y.Doc {
  const doc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(editorSchema(), { type: 'doc', content: realisticContent() }, doc.getXmlFragment(sectionField));
  return doc;
}

/** 50,000 keystrokes, one transaction each: typing, backspaces, new paragraphs, the cursor moving now and then. */
export function typedDoc(keystrokes = 50_000): Y.Doc {
  const rand = rng(42);
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment(sectionField);
  const newParagraph = (at: number): Y.XmlText => {
    const para = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    para.insert(0, [text]);
    fragment.insert(at, [para]);
    return text;
  };
  let text = newParagraph(0);
  let cursor = 0;
  for (let k = 0; k < keystrokes; k++) {
    doc.transact(() => {
      const r = rand();
      if (r < 0.012) {
        text = newParagraph(Math.floor(rand() * (fragment.length + 1)));
        cursor = 0;
      } else if (r < 0.014) {
        const para = fragment.get(Math.floor(rand() * fragment.length)) as Y.XmlElement;
        text = para.get(0) as Y.XmlText;
        cursor = Math.floor(rand() * (text.length + 1));
      } else if (r < 0.05 && cursor > 0) {
        text.delete(cursor - 1, 1);
        cursor--;
      } else {
        const ch = r < 0.2 ? ' ' : String.fromCharCode(97 + Math.floor(rand() * 26));
        text.insert(cursor, ch, r > 0.97 ? { bold: true } : {});
        cursor++;
      }
    });
  }
  return doc;
}

// ---------------------------------------------------------------- readers

type Read = (doc: Y.Doc) => unknown;

interface LegacyModules {
  dir: string;
  readers: Record<string, Read>;
}

/** Today's walkers, from git, in a scratch folder inside the repo (so their imports resolve). */
async function loadLegacy(): Promise<LegacyModules | null> {
  let dir: string | null = null;
  try {
    mkdirSync(join(root, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(root, '.tmp', 'legacy-readers-'));
    for (const file of legacyFiles) {
      const source = execFileSync('git', ['show', `${legacyCommit}:${file}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), source);
    }
    const imp = async (file: string) => (await import(pathToFileURL(join(dir!, file)).href)) as Record<string, unknown>;
    const text = await imp('server/section-text.ts');
    const model = await imp('server/export/document-model.ts');
    const history = await imp('server/history/text-blocks.ts');
    const present = await imp('client/features/present/fragment-blocks.ts');
    const fn = (m: Record<string, unknown>, name: string) => m[name] as (arg: never) => unknown;
    return {
      dir,
      readers: {
        'legacy section-text sectionChars': (doc) => fn(text, 'sectionChars')(doc as never),
        'legacy document-model readSection': (doc) => fn(model, 'readSection')(doc as never),
        'legacy history textBlocksOf': (doc) => fn(history, 'textBlocksOf')(doc as never),
        'legacy present fragmentBlocks': (doc) => fn(present, 'fragmentBlocks')(doc.getXmlFragment(sectionField) as never),
      },
    };
  } catch {
    if (dir) rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

function candidates(): Record<string, Read> {
  const schema = editorSchema();
  return {
    'shared sectionChars': (doc) => sectionChars(doc),
    'shared readSection (export model)': (doc) => readSection(doc),
    'shared text blocks (history, present)': (doc) => fragmentBlocks(doc.getXmlFragment(sectionField)),
    'shared one read with marks, then count and text blocks': (doc) => {
      const blocks = textBlocks(readSection(doc));
      return countBlockChars(blocks.map((b) => b.text));
    },
    'shared documentDepth (guard only)': (doc) => documentDepth(doc.getXmlFragment(sectionField)),
    'y-tiptap root node + editor counter': (doc) => proseMirrorChars(yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(sectionField), schema)),
    'y-tiptap root node only': (doc) => yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(sectionField), schema),
  };
}

/** ms per read of one timed batch of `n` reads. */
function batch(read: Read, doc: Y.Doc, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) read(doc);
  return (performance.now() - t0) / n;
}

/**
 * Readers are timed in turns (round robin, several rounds), so that load from
 * other processes and JIT warm-up fall on all of them alike; the figure is the
 * median batch, and the fastest batch is kept beside it.
 */
function timeAll(readers: Record<string, Read>, doc: Y.Doc, budgetMs: number): Record<string, { msPerRead: number; minMsPerRead: number; reads: number }> {
  const names = Object.keys(readers);
  const sizes: Record<string, number> = {};
  for (const name of names) {
    const once = Math.max(batch(readers[name]!, doc, 1), batch(readers[name]!, doc, 1), 0.001);
    sizes[name] = Math.max(1, Math.round(20 / once)); // about 20 ms a batch
  }
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const start = performance.now();
  let rounds = 0;
  while (rounds < 5 || (performance.now() - start < budgetMs && rounds < 40)) {
    for (const name of names) samples[name]!.push(batch(readers[name]!, doc, sizes[name]!));
    rounds++;
  }
  const out: Record<string, { msPerRead: number; minMsPerRead: number; reads: number }> = {};
  for (const name of names) {
    const s = samples[name]!.slice(1).sort((a, b) => a - b); // the first round warms up
    out[name] = { msPerRead: s[Math.floor(s.length / 2)]!, minMsPerRead: s[0]!, reads: sizes[name]! * samples[name]!.length };
  }
  return out;
}

export async function runReaderBench(opts: { budgetMs?: number; log?: (line: string) => void } = {}): Promise<ReaderBenchResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const docs: [string, Y.Doc][] = [
    ['realistic (~3,000 words)', realisticDoc()],
    ['typed (50,000 keystrokes)', typedDoc()],
  ];
  const legacy = await loadLegacy();
  const readers: Record<string, Read> = { ...(legacy?.readers ?? {}), ...candidates() };
  const result: ReaderBenchResult = { docs: [], timings: [], legacy: legacy ? legacyCommit : null };
  try {
    for (const [name, doc] of docs) {
      const info = { name, bytes: Y.encodeStateAsUpdate(doc).length, chars: sectionChars(doc), depth: documentDepth(doc.getXmlFragment(sectionField)) };
      result.docs.push(info);
      log(`${name}: ${info.bytes} bytes, ${info.chars} characters, depth ${info.depth}`);
      const timings = timeAll(readers, doc, opts.budgetMs ?? 6_000);
      for (const [reader, t] of Object.entries(timings)) {
        result.timings.push({ doc: name, reader, ...t });
        log(`  ${reader.padEnd(66)} ${t.msPerRead.toFixed(3).padStart(9)} ms/read (fastest ${t.minMsPerRead.toFixed(3)})`);
      }
    }
  } finally {
    for (const [, doc] of docs) doc.destroy();
    if (legacy) rmSync(legacy.dir, { recursive: true, force: true });
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runReaderBench();
  const out = join(here, 'results', `reader-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`wrote ${out}`);
}
