import type { Block, Inline, Marks } from '../../shared/document/model';
import type { ExportDocument } from '../../server/export/export-source';

/**
 * Pathological text for the export writers (SEC8): runs that backtracking
 * regular expressions and argument spreads choke on. Shared by the linearity
 * tests (test/unit/export-linear.test.ts) and `npm run bench -- --only export-patterns`.
 */

/** A small deterministic generator (LCG), so every run sees the same text. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Each pattern as text of exactly `n` characters. */
export const exportPatterns: Record<string, (n: number) => string> = {
  newlines: (n) => `a${'\n'.repeat(n - 2)}a`,
  backticks: (n) => '`a`'.repeat(Math.ceil(n / 3)).slice(0, n),
  'backtick runs': (n) => {
    let out = '';
    for (let run = 1; out.length < n; run++) out += `${'`'.repeat(run)} `;
    return out.slice(0, n);
  },
  spaces: (n) => `a${' '.repeat(n - 2)}a`,
  quotes: (n) => '>'.repeat(n),
  hashes: (n) => '#'.repeat(n),
  pipes: (n) => '|'.repeat(n),
  'line markers': (n) => ' \n1.\n \t-\n12)\n+ = '.repeat(Math.ceil(n / 20)).slice(0, n),
  mixed: (n) => {
    const rand = rng(16);
    const runs = ['\n', ' ', '`', '>', '#', '|', '\u00a0', '1', '-', '.'];
    let out = '';
    while (out.length < n) out += runs[Math.floor(rand() * runs.length)]!.repeat(1 + Math.floor(rand() * 5000)) + 'x';
    return out.slice(0, n);
  },
};

const plain: Marks = {};
export const textInline = (text: string, marks: Marks = plain): Inline => ({ kind: 'text', text, marks });

/** One section carrying `text` cut in seven parts, one in each place the writers treat text differently: plain, marked, code span, code block, quote, list, table cell. */
export function pathologicalSection(text: string): Block[] {
  const part = (i: number) => text.slice((i * text.length) / 7, ((i + 1) * text.length) / 7);
  return [
    { kind: 'paragraph', inlines: [textInline(part(0))] },
    { kind: 'paragraph', inlines: [textInline(part(1), { bold: true, italic: true, link: 'https://example.eu/a b' })] },
    { kind: 'paragraph', inlines: [textInline(part(2), { code: true })] },
    { kind: 'code', text: part(3) },
    { kind: 'quote', blocks: [{ kind: 'paragraph', inlines: [textInline(part(4))] }] },
    { kind: 'list', ordered: true, start: 1, items: [[{ kind: 'paragraph', inlines: [textInline(part(5))] }]] },
    { kind: 'table', rows: [[{ header: true, colspan: 1, rowspan: 1, blocks: [{ kind: 'paragraph', inlines: [textInline(part(6))] }] }]] },
  ];
}

/** A one-section export document holding `blocks`. */
export function exportOf(blocks: Block[], chars = 0): ExportDocument {
  return {
    title: 'Pathological export',
    call: 'C',
    theme: null,
    deadline: null,
    language: 'en',
    partners: [],
    sections: [{ id: 's1', number: '1', title: 'S', minChars: 0, maxChars: 10, blocks, chars }],
    notes: null,
    generatedAt: new Date('2026-12-01T00:00:00Z'),
  };
}

/** `text` as one pathological section in an export document. */
export const pathologicalDocument = (text: string): ExportDocument => exportOf(pathologicalSection(text), text.length);
