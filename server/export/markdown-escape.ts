/**
 * The text scanners of the Markdown export: escaping, the spaces around a marked
 * run, the longest backtick run, and line prefixes. Each one walks its input once,
 * left to right, with no regular expression that could backtrack and no spread of
 * an unbounded array into a call, so a section of 40,000 newlines or 200,000
 * backtick runs costs what its length costs (issue 16, SEC8).
 *
 * An optional `WorkMeter` adds up the characters the scanners examine, so a test
 * can see the whole export's work grow linearly with its input.
 */

/** Characters examined by the scanners, summed over every call that was given this meter. */
export interface WorkMeter {
  steps: number;
}

const code = {
  tab: 0x09,
  lineFeed: 0x0a,
  carriageReturn: 0x0d,
  space: 0x20,
  zero: 0x30,
  nine: 0x39,
  backtick: 0x60,
  backslash: 0x5c,
} as const;

/** A JavaScript line terminator: where `^` matches in a multiline regular expression. */
function isLineTerminator(c: number): boolean {
  return c === code.lineFeed || c === code.carriageReturn || c === 0x2028 || c === 0x2029;
}

/** Exactly the code units of JavaScript's `\s`. */
export function isSpace(c: number): boolean {
  if (c <= code.space) return c === code.space || (c >= code.tab && c <= code.carriageReturn);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Characters that are always escaped: inline markup, raw HTML, tables, headings, entities. */
function isAlwaysEscaped(c: number): boolean {
  switch (c) {
    case 0x5c: // \
    case code.backtick:
    case 0x2a: // *
    case 0x5f: // _
    case 0x5b: // [
    case 0x5d: // ]
    case 0x3c: // <
    case 0x3e: // >
    case 0x7c: // |
    case 0x7e: // ~
    case 0x23: // #
    case 0x26: // &
      return true;
    default:
      return false;
  }
}

/** `-`, `+`, `=`: a list item or a setext underline when they open a line. */
const isLineMarker = (c: number) => c === 0x2d || c === 0x2b || c === 0x3d;
/** `.` or `)` after a line's leading digits: an ordered list item. */
const isNumberMarker = (c: number) => c === 0x2e || c === 0x29;
const isDigit = (c: number) => c >= code.zero && c <= code.nine;

/** Where the scan is on the current line: only spaces so far, spaces then digits, or past anything that can open a block. */
type LineState = 'spaces' | 'digits' | 'text';

/**
 * Escapes text so it reads literally: every inline-markup character, and the list,
 * setext and ordered-list markers that open a line (after spaces, or after digits
 * for `.` and `)`). One pass; each escape is a backslash before the character.
 */
export function escapeMarkdown(text: string, meter?: WorkMeter): string {
  let out: UnitWriter | null = null;
  let from = 0;
  let line: LineState = 'spaces';
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let escape = false;
    if (isLineTerminator(c)) {
      line = 'spaces';
    } else if (isAlwaysEscaped(c)) {
      escape = true;
      line = 'text';
    } else if (isDigit(c) && line !== 'text') {
      line = 'digits';
    } else if (line === 'spaces' && isLineMarker(c)) {
      escape = true;
      line = 'text';
    } else if (line === 'digits' && isNumberMarker(c)) {
      escape = true;
      line = 'text';
    } else if (line !== 'spaces' || !isSpace(c)) {
      line = 'text';
    }
    if (escape) {
      (out ??= new UnitWriter(n + (n >> 3))).copy(text, from, i);
      out.unit(code.backslash);
      from = i;
    }
  }
  if (meter) meter.steps += n;
  if (out === null) return text;
  out.copy(text, from, n);
  return out.toString();
}

/** `text` cut into its leading spaces, the rest, and its trailing spaces (`\s`); all spaces is all lead. */
export function splitOuterSpace(text: string, meter?: WorkMeter): { lead: string; core: string; trail: string } {
  const n = text.length;
  let start = 0;
  while (start < n && isSpace(text.charCodeAt(start))) start++;
  let end = n;
  if (start < n) while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (meter) meter.steps += start + (n - end) + 1;
  return { lead: text.slice(0, start), core: text.slice(start, end), trail: text.slice(end) };
}

/** The length of the longest run of backticks in `text` (0 if none). */
export function longestBacktickRun(text: string, meter?: WorkMeter): number {
  let longest = 0;
  let run = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) === code.backtick) {
      run++;
      if (run > longest) longest = run;
    } else {
      run = 0;
    }
  }
  if (meter) meter.steps += n;
  return longest;
}

/** Every line feed of `text` as a space. */
export function joinLines(text: string, meter?: WorkMeter): string {
  if (meter) meter.steps += text.length;
  return text.replaceAll('\n', ' ');
}

/** Each line of `text` after `prefix` (`first` on the first line); an empty line gets the prefix without its trailing spaces. */
export function prefixLines(text: string, prefix: string, first = prefix, meter?: WorkMeter): string {
  const bare = prefix.trimEnd();
  const out = new UnitWriter(first.length + text.length + (text.length >> 3));
  out.copy(first, 0, first.length);
  let from = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) !== code.lineFeed) continue;
    out.copy(text, from, i + 1);
    const after = text.charCodeAt(i + 1) === code.lineFeed || i + 1 === n ? bare : prefix;
    out.copy(after, 0, after.length);
    from = i + 1;
  }
  if (meter) meter.steps += n;
  out.copy(text, from, n);
  return out.toString();
}

/**
 * Output built as UTF-16 code units, for the scans that insert characters all
 * through a long text: concatenating millions of slices builds a rope of as many
 * string objects, whose memory and garbage collection grow faster than the text.
 * Exact for any code units, lone surrogates included.
 */
class UnitWriter {
  private buf: Uint16Array;
  private length = 0;

  constructor(capacity: number) {
    this.buf = new Uint16Array(Math.max(16, capacity));
  }

  /** Appends `text`'s code units from `from` up to `to`. */
  copy(text: string, from: number, to: number): void {
    this.reserve(to - from);
    const buf = this.buf;
    let at = this.length;
    for (let i = from; i < to; i++) buf[at++] = text.charCodeAt(i);
    this.length = at;
  }

  unit(c: number): void {
    this.reserve(1);
    this.buf[this.length++] = c;
  }

  toString(): string {
    const parts: string[] = [];
    // fromCharCode takes its units as arguments (apply reads a typed array directly; a spread
    // would iterate it): in slices well under any engine's argument limit.
    for (let i = 0; i < this.length; i += 8192) {
      const units: ArrayLike<number> = this.buf.subarray(i, Math.min(this.length, i + 8192));
      parts.push(String.fromCharCode.apply(null, units as number[]));
    }
    return parts.join('');
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const grown = new Uint16Array(Math.max(this.buf.length * 2, this.length + extra));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }
}
