import { describe, expect, it } from 'vitest';
import type { Block, Marks } from '../../shared/document/model';
import JSZip from 'jszip';
import { renderDocx } from '../../server/export/docx';
import { renderHtml } from '../../server/export/html';
import { blocksToMarkdown, escapeMarkdown, inlinesToMarkdown, renderMarkdown, type WorkMeter } from '../../server/export/markdown';
import { isSpace, prefixLines } from '../../server/export/markdown-escape';
import { exportOf, exportPatterns as patterns, pathologicalSection, rng, textInline } from '../helpers/pathological-text';

/**
 * SEC8: no input makes the export's work super-linear. Pathological text (runs of
 * newlines, backticks, spaces, `>`, `#`, `|`, and a mix) goes through the real
 * renderers at 100 KB and 1 MB; the Markdown scanners' work meter and the output
 * size must both grow with the input, never with its square. The exact output for
 * ordinary text is checked against the regular expressions the scanners replaced.
 */

// ------------------------------------------------------------ the replaced code, as the oracle for ordinary text

const legacy = {
  escapeMarkdown(text: string): string {
    return text
      .replace(/[\\`*_[\]<>|~#&]/g, (ch) => `\\${ch}`)
      .replace(/^(\s*)([-+=])/gm, '$1\\$2')
      .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
  },
  codeSpan(text: string): string {
    const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${text}${pad}${fence}`;
  },
  wrap(text: string, marks: Marks): string {
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
    const [lead, core, trail] = m ? [m[1] ?? '', m[2] ?? '', m[3] ?? ''] : ['', text, ''];
    if (core === '') return text.replace(/\n/g, ' ');
    let out = marks.code ? legacy.codeSpan(core) : legacy.escapeMarkdown(core).replace(/\n/g, ' ');
    if (marks.strike) out = `~~${out}~~`;
    if (marks.italic) out = `*${out}*`;
    if (marks.bold) out = `**${out}**`;
    if (marks.link) out = `[${out}](<${marks.link.replace(/[<>\s]/g, encodeURIComponent)}>)`;
    return `${lead}${out}${trail}`;
  },
  fence(text: string): string {
    const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    return '`'.repeat(longest + 1);
  },
  indent(text: string, prefix: string, first = prefix): string {
    return text
      .split('\n')
      .map((line, i) => (i === 0 ? first : line === '' ? prefix.trimEnd() : prefix) + line)
      .join('\n');
  },
};

/** Everything the escapes care about: markup, line markers, digits, every kind of space and line end. */
const alphabet = ['a', 'Z', 'å', '😀', '0', '7', '1', '.', ')', '-', '+', '=', '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '#', '&', ' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u2028', '\u2029', '\u3000', '\ufeff', '\u200b', '(', '!'];

function randomText(rand: () => number, maxLength: number): string {
  let out = '';
  const n = Math.floor(rand() * maxLength);
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(rand() * alphabet.length)]!;
  return out;
}

// ------------------------------------------------------------ pathological documents

const KB = 1000;
const MB = 1000 * KB;

function markdownWork(text: string): { steps: number; bytes: number } {
  const meter: WorkMeter = { steps: 0 };
  const md = renderMarkdown(exportOf(pathologicalSection(text)), meter);
  return { steps: meter.steps, bytes: md.length };
}

describe('SEC8: the Markdown scanners give exactly what the regular expressions gave', () => {
  it('SEC8 isSpace is exactly JavaScript\'s \\s, on every UTF-16 code unit', () => {
    const differ: number[] = [];
    for (let c = 0; c <= 0xffff; c++) if (isSpace(c) !== /\s/.test(String.fromCharCode(c))) differ.push(c);
    expect(differ).toEqual([]);
  });

  it('SEC8 escapeMarkdown, the marked-run spaces, code spans, code fences and line prefixes match the replaced code on 5,000 random texts', () => {
    const rand = rng(8);
    const markSets: Marks[] = [{}, { bold: true }, { italic: true, strike: true }, { code: true }, { code: true, bold: true }, { link: 'https://ec.europa.eu/a <b>' }];
    for (let k = 0; k < 5000; k++) {
      const text = randomText(rand, 60);
      expect(escapeMarkdown(text), JSON.stringify(text)).toBe(legacy.escapeMarkdown(text));
      const marks = markSets[k % markSets.length]!;
      expect(inlinesToMarkdown([textInline(text, marks)]), JSON.stringify([text, marks])).toBe(legacy.wrap(text, marks));
      expect(blocksToMarkdown([{ kind: 'code', text }], 3)).toBe(`${legacy.fence(text)}\n${text}\n${legacy.fence(text)}`);
      expect(prefixLines(text, '   ', '1. '), JSON.stringify(text)).toBe(legacy.indent(text, '   ', '1. '));
      expect(prefixLines(text, '> ')).toBe(legacy.indent(text, '> '));
    }
  });
});

describe('SEC8: pathological text exports in linear work', () => {
  for (const [name, make] of Object.entries(patterns)) {
    it(`SEC8 1 MB of ${name}: Markdown work and output grow 10x from 100 KB, at most 8 steps and 8 bytes a character; HTML at most 6 bytes a character`, () => {
      const small = markdownWork(make(100 * KB));
      const large = markdownWork(make(1 * MB));
      // Quadratic work would grow 100x; the scanners examine each character a bounded number of times.
      expect(large.steps).toBeGreaterThanOrEqual(1 * MB);
      expect(large.steps).toBeLessThanOrEqual(8 * MB);
      expect(large.steps).toBeLessThanOrEqual(11 * small.steps);
      expect(large.bytes).toBeLessThanOrEqual(8 * MB);
      expect(large.bytes).toBeLessThanOrEqual(11 * small.bytes);
      const html = renderHtml(exportOf(pathologicalSection(make(1 * MB))));
      expect(html.length).toBeLessThanOrEqual(6 * MB + 10 * KB);
    });
  }

  it('SEC8 200,000 backtick runs in a code span and a code block: no RangeError, and each fence is one longer than the longest run inside', () => {
    const text = '`a'.repeat(100_000) + ' ' + '``b'.repeat(100_000);
    const md = renderMarkdown(exportOf([
      { kind: 'paragraph', inlines: [textInline(text, { code: true })] },
      { kind: 'code', text },
    ]));
    // The span: a fence of 3, a pad (the text starts with a backtick), the text untouched, the pad, the fence.
    expect(md).toContain(`\n\`\`\` ${text} \`\`\`\n`);
    // The block: a fence of 3 on its own line, the text, the fence.
    expect(md).toContain(`\n\`\`\`\n${text}\n\`\`\`\n`);
  });

  it('SEC8 a run of 300,000 backticks gets a fence of 300,001', () => {
    const run = '`'.repeat(300_000);
    const md = blocksToMarkdown([{ kind: 'paragraph', inlines: [textInline(`x${run}y`, { code: true })] }, { kind: 'code', text: run }], 3);
    expect(md).toBe(`${run}\`x${run}y${run}\`\n\n${run}\`\n${run}\n${run}\``);
  });

  it('SEC8 a table of 50,000 one-cell rows and one row of 50,000 cells: the header spans them all, and no body row is padded to that width', () => {
    const cell = (t: string) => ({ header: false, colspan: 1, rowspan: 1, blocks: [{ kind: 'paragraph', inlines: [textInline(t)] } satisfies Block] });
    const n = 50_000;
    const rows = [[cell('h')], ...Array.from({ length: n }, (_, i) => [cell(String(i))]), Array.from({ length: n }, () => cell('w'))];
    const md = blocksToMarkdown([{ kind: 'table', rows }], 3);
    const lines = md.split('\n');
    expect(lines).toHaveLength(n + 3);
    expect(lines[0]).toBe(`| h${' | '.repeat(n - 1)} |`);
    expect(lines[1]).toBe(`| ${Array<string>(n).fill('---').join(' | ')} |`);
    expect(lines[2]).toBe('| 0 |');
    expect(lines[n + 1]).toBe(`| ${n - 1} |`);
    expect(lines[n + 2]).toBe(`| ${Array<string>(n).fill('w').join(' | ')} |`);
    // Linear: a few bytes per cell (padding every row to the widest would be n * n cells).
    expect(md.length).toBeLessThanOrEqual(20 * (2 * n + 1));
  });

  it('SEC8b DOCX: a cell with colspan 1,000,000,000 exports, its row laid out on at most 64 grid columns; ordinary spans are kept', async () => {
    const cell = (t: string, colspan = 1): { header: boolean; colspan: number; rowspan: number; blocks: Block[] } => ({ header: false, colspan, rowspan: 1, blocks: [{ kind: 'paragraph', inlines: [textInline(t)] }] });
    const zip = await JSZip.loadAsync(
      await renderDocx(exportOf([
        { kind: 'table', rows: [[cell('wide', 1_000_000_000), cell('after')], [cell('a'), cell('b'), cell('c')]] },
        { kind: 'table', rows: [[cell('two', 2), cell('one')], [cell('a'), cell('b'), cell('c')]] },
      ])),
    );
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    const grids = [...xml.matchAll(/<w:tblGrid>([\s\S]*?)<\/w:tblGrid>/g)].map((m) => (m[1]?.match(/<w:gridCol /g) ?? []).length);
    // The partner table (4 columns), then ours: the wide cell bounded at 63 so the cell after it still fits in 64; the ordinary table keeps its 3.
    expect(grids).toEqual([4, 64, 3]);
    expect(xml).toContain('<w:gridSpan w:val="63"/>');
    expect(xml).toContain('<w:gridSpan w:val="2"/>');
  });
});
