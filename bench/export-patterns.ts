/**
 * `node --import tsx bench/export-patterns.ts`: the Markdown and HTML renderers
 * on pathological text (issue 16, SEC8). Each pattern (runs of newlines,
 * backticks, spaces, `>`, `#`, `|`, and a mix of them) fills one section at
 * 100 KB and at 1 MB, spread over every place the writers treat text
 * differently (plain, marked, code span, code block, quote, list, table cell).
 * Prints MB/s per pattern, size and format. The target per pattern and format:
 * linear work, read as MB/s at 1 MB at least half of MB/s at 100 KB (quadratic
 * work would make it a tenth). `runExportPatternsBench()` is the entry point for
 * bench/run.ts.
 */
import { fileURLToPath } from 'node:url';
import { renderHtml } from '../server/export/html';
import { renderMarkdown } from '../server/export/markdown';
import type { ExportDocument } from '../server/export/export-source';
import { exportPatterns, pathologicalDocument } from '../test/helpers/pathological-text';
import { printTargets, targetRow, type TargetRow } from './targets';

const KB = 1000;
const MB = 1000 * KB;

const renderers = { markdown: renderMarkdown, html: renderHtml } as const;
type Format = keyof typeof renderers;

export interface PatternTiming {
  pattern: string;
  format: Format;
  bytes: number;
  /** Median of the timed runs (each renders 1 MB of documents of `bytes`). */
  ms: number;
  mbPerSecond: number;
  /** Output of one document of `bytes`, UTF-8. */
  outputBytes: number;
  runs: number;
}

export interface ExportPatternsResult {
  timings: PatternTiming[];
}

/**
 * One run renders a fresh batch of documents (so no engine cache serves a repeat)
 * of at least 1 MB in all: ten of 100 KB, or one of 1 MB, so both sizes allocate
 * alike and only the size of one document differs. Each output is encoded as UTF-8, as the
 * server sends it. Runs until `budgetMs` is spent, at least `minRuns` times after one
 * warm-up; the median run.
 */
function time(format: Format, batch: () => ExportDocument[], bytes: number, budgetMs: number, minRuns: number): Omit<PatternTiming, 'pattern' | 'format'> {
  const samples: number[] = [];
  let outputBytes = 0;
  let total = 0;
  const started = performance.now();
  for (let run = 0; run <= minRuns || performance.now() - started < budgetMs; run++) {
    const docs = batch();
    total = docs.length * bytes;
    const t0 = performance.now();
    for (const doc of docs) outputBytes = Buffer.byteLength(renderers[format](doc), 'utf8');
    const ms = performance.now() - t0;
    if (run > 0) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  const ms = samples[Math.floor(samples.length / 2)] ?? Number.NaN;
  return { bytes, ms, mbPerSecond: total / MB / (ms / 1000), outputBytes, runs: samples.length };
}

export async function runExportPatternsBench(opts: { quick: boolean }): Promise<{ result: ExportPatternsResult; targets: TargetRow[]; print?: () => void }> {
  // The target compares the first two; 4 MB (near the document limit) is printed to show the trend past the engine's cache and young-generation sizes.
  const sizes = [100 * KB, 1 * MB, 4 * MB] as const;
  const budgetMs = opts.quick ? 150 : 1_000;
  const minRuns = opts.quick ? 2 : 5;
  const timings: PatternTiming[] = [];
  for (const [pattern, make] of Object.entries(exportPatterns)) {
    for (const bytes of sizes) {
      // Fresh strings each run (built by concatenation, so no two runs share one), at least 1 MB in all.
      const batch = () => Array.from({ length: Math.max(1, sizes[1] / bytes) }, () => pathologicalDocument(` ${make(bytes - 1)}`));
      for (const format of Object.keys(renderers) as Format[]) timings.push({ pattern, format, ...time(format, batch, bytes, budgetMs, minRuns) });
    }
  }
  const targets: TargetRow[] = [];
  for (const pattern of Object.keys(exportPatterns)) {
    for (const format of Object.keys(renderers) as Format[]) {
      const at = (bytes: number) => timings.find((t) => t.pattern === pattern && t.format === format && t.bytes === bytes);
      const small = at(sizes[0]);
      const large = at(sizes[1]);
      targets.push(
        targetRow({
          backend: 'none',
          name: `export ${format} '${JSON.stringify(pattern).slice(1, -1)}' MB/s 1 MB / 100 KB`,
          unit: 'x',
          measured: small && large ? large.mbPerSecond / small.mbPerSecond : undefined,
          against: null,
          rule: { kind: 'at-least', min: 0.5 },
          quick: opts.quick,
        }),
      );
    }
  }
  const print = () => {
    console.log('\n=== export patterns (MB/s of input, median run) ===');
    console.log(`${'pattern'.padEnd(10)} ${'format'.padEnd(9)} ${'100 KB'.padStart(9)} ${'1 MB'.padStart(9)} ${'4 MB'.padStart(9)}  output at 1 MB`);
    for (const pattern of Object.keys(exportPatterns)) {
      for (const format of Object.keys(renderers) as Format[]) {
        const row = timings.filter((t) => t.pattern === pattern && t.format === format);
        const [small, large, huge] = sizes.map((size) => row.find((t) => t.bytes === size));
        console.log(
          `${JSON.stringify(pattern).slice(1, -1).padEnd(10)} ${format.padEnd(9)} ${(small?.mbPerSecond ?? Number.NaN).toFixed(1).padStart(9)} ${(large?.mbPerSecond ?? Number.NaN).toFixed(1).padStart(9)} ${(huge?.mbPerSecond ?? Number.NaN).toFixed(1).padStart(9)}  ${((large?.outputBytes ?? 0) / MB).toFixed(2)} MB`,
        );
      }
    }
  };
  return { result: { timings }, targets, print };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { targets, print } = await runExportPatternsBench({ quick: process.argv.includes('--quick') });
  print?.();
  printTargets(targets);
}
