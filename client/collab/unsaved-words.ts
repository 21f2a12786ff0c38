import type { TextBlock } from '../../shared/schemas/history';

/**
 * The words of a discarded local copy that the server does not have: a pure
 * diff of two documents read as text blocks (fragmentBlocks). Blocks are
 * aligned by equal text (longest common subsequence); a local block that
 * differs is paired with the most similar server block in the same gap and
 * diffed word by word, then narrowed to the characters (so a half-saved word
 * yields only its unsaved tail). Text the server has and the copy lacks
 * (others' edits, our unsaved deletions) is not reported: only what would be
 * lost. Each passage is one contiguous run of unsaved text, in document order.
 */

/** Why the words were refused: the section got locked, the user's rights changed, or the server refused them. */
export type UnsavedReason = 'locked' | 'rights-changed' | 'refused';

/** What the author is shown after their local copy was dropped. */
export interface UnsavedWords {
  readonly reason: UnsavedReason;
  /** The unsaved runs of text, in document order. */
  readonly passages: readonly string[];
  /** When they were found (ms since the epoch), to tell one loss from the next. */
  readonly at: number;
}

/**
 * The reason to show, from what the section is now: locked (approved or final)
 * wins, then rights the workspace no longer has (a reassignment or a downgrade,
 * also when the refusal came after an offline spell), else what the connection saw.
 */
export function shownReason(seen: UnsavedReason, section: { readonly locked: boolean; readonly canEdit: boolean }): UnsavedReason {
  if (section.locked) return 'locked';
  if (!section.canEdit) return 'rights-changed';
  return seen;
}

/** Above this many token pairs, a changed middle counts as replaced whole (no quadratic blow-up). */
const MAX_TABLE = 2_000_000;

/** Longest common subsequence of `a` and `b` under `same`: matched index pairs, in order. */
function lcs<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): [number, number][] {
  let lo = 0;
  while (lo < a.length && lo < b.length && same(a[lo] as T, b[lo] as T)) lo++;
  let hiA = a.length;
  let hiB = b.length;
  while (hiA > lo && hiB > lo && same(a[hiA - 1] as T, b[hiB - 1] as T)) {
    hiA--;
    hiB--;
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < lo; i++) pairs.push([i, i]);
  const n = hiA - lo;
  const m = hiB - lo;
  if (n > 0 && m > 0 && n * m <= MAX_TABLE) {
    // table[i][j]: LCS length of a[lo+i..hiA) and b[lo+j..hiB).
    const width = m + 1;
    const table = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i * width + j] = same(a[lo + i] as T, b[lo + j] as T)
          ? (table[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (same(a[lo + i] as T, b[lo + j] as T)) {
        pairs.push([lo + i, lo + j]);
        i++;
        j++;
      } else if ((table[(i + 1) * width + j] ?? 0) >= (table[i * width + j + 1] ?? 0)) i++;
      else j++;
    }
  }
  for (let k = 0; hiA + k < a.length; k++) pairs.push([hiA + k, hiB + k]);
  return pairs;
}

/** Matched pairs plus the unmatched stretches between them (gaps), in order. */
interface Gap {
  readonly a: [number, number];
  readonly b: [number, number];
}

function gapsOf(pairs: readonly [number, number][], lenA: number, lenB: number): Gap[] {
  const gaps: Gap[] = [];
  let ia = 0;
  let ib = 0;
  for (const [pa, pb] of [...pairs, [lenA, lenB] as [number, number]]) {
    if (pa > ia || pb > ib) gaps.push({ a: [ia, pa], b: [ib, pb] });
    ia = pa + 1;
    ib = pb + 1;
  }
  return gaps;
}

/** Words and the spaces between them, so "a  b" keeps its spacing. */
function tokens(text: string): string[] {
  return text.match(/\s+|\S+/gu) ?? [];
}

/** The part of `local` that is not in `server`, after their common prefix and suffix. */
function narrow(local: string, server: string): string {
  let p = 0;
  while (p < local.length && p < server.length && local[p] === server[p]) p++;
  let s = 0;
  while (s < local.length - p && s < server.length - p && local[local.length - 1 - s] === server[server.length - 1 - s]) s++;
  return local.slice(p, local.length - s);
}

/** Unsaved passages of one local block against the server's version of it. */
function blockPassages(local: string, server: string): string[] {
  const a = tokens(local);
  const b = tokens(server);
  const out: string[] = [];
  for (const gap of gapsOf(lcs(a, b, (x, y) => x === y), a.length, b.length)) {
    if (gap.a[0] === gap.a[1]) continue;
    const text = narrow(a.slice(gap.a[0], gap.a[1]).join(''), b.slice(gap.b[0], gap.b[1]).join(''));
    if (text !== '') out.push(text);
  }
  return out;
}

/** Shared words of two blocks: how alike they are, for pairing changed blocks. */
function likeness(x: string, y: string): number {
  const words = new Set(tokens(y).filter((t) => t.trim() !== ''));
  return tokens(x).filter((t) => words.has(t)).length;
}

/** The text of `local` the server lacks, one passage per contiguous run; whitespace-only runs are dropped. */
export function unsavedPassages(local: readonly TextBlock[], server: readonly TextBlock[]): string[] {
  const a = local.map((blk) => blk.text);
  const b = server.map((blk) => blk.text);
  const out: string[] = [];
  for (const gap of gapsOf(lcs(a, b, (x, y) => x === y), a.length, b.length)) {
    let from = gap.b[0];
    for (let i = gap.a[0]; i < gap.a[1]; i++) {
      const text = a[i] ?? '';
      // The most alike server block after the last one paired, in this gap.
      let best = -1;
      let bestScore = 0;
      for (let j = from; j < gap.b[1]; j++) {
        const score = likeness(text, b[j] ?? '');
        if (score > bestScore) {
          best = j;
          bestScore = score;
        }
      }
      if (best < 0) {
        out.push(text);
        continue;
      }
      out.push(...blockPassages(text, b[best] ?? ''));
      from = best + 1;
    }
  }
  return out.filter((p) => p.trim() !== '');
}

/** The passages as one text to copy or post: one passage a line. */
export function unsavedText(passages: readonly string[]): string {
  return passages.map((p) => p.trim()).join('\n');
}

/**
 * Text for comments of at most `max` characters: whole lines while they fit,
 * a longer line split at a space where it can be. Nothing is dropped.
 */
export function commentChunks(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim() !== '') chunks.push(current.trim());
    current = '';
  };
  for (const line of text.split('\n')) {
    let rest = line;
    while (rest.length > max) {
      push();
      const space = rest.lastIndexOf(' ', max);
      const cut = space > max / 2 ? space : max;
      chunks.push(rest.slice(0, cut).trim());
      rest = rest.slice(cut);
    }
    const joined = current === '' ? rest : `${current}\n${rest}`;
    if (joined.length > max) {
      push();
      current = rest;
    } else current = joined;
  }
  push();
  return chunks;
}
