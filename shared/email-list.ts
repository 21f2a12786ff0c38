import { emailSchema } from './schemas/auth';

/**
 * A pasted list of e-mail addresses, as people copy them from mail clients and
 * spreadsheets (TEAM5): entries are separated by commas, semicolons and line
 * breaks (or by spaces between bare addresses); an entry may be `addr`,
 * `Name <addr>`, `"Last, First" <addr>` or `mailto:addr`. A comma inside a
 * display name (`Rossi, Mario <m@x.it>`) joins the name to its address.
 * The client previews with it and the server decides with it: both read alike.
 */
export interface EmailEntry {
  /** The entry's position in the list (0-based), as the refusal's `indexes` name it. */
  index: number;
  /** The entry as written, trimmed. */
  raw: string;
  /** The address, lower case, or null when the entry is not an e-mail address. */
  email: string | null;
}

export interface EmailList {
  /** Every non-empty entry, in order. */
  entries: EmailEntry[];
  /** The valid addresses, each once (case-insensitively), in first-seen order. */
  addresses: string[];
  /** Indexes of the entries that are not e-mail addresses. */
  invalid: number[];
  /** Indexes of the entries that repeat an earlier address. */
  duplicates: number[];
}

const separators = new Set([',', ';', '\n', '\r']);

/** Splits on separators outside double quotes and angle brackets. */
function splitPieces(text: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (const ch of text) {
    if (ch === '"' && !angled) quoted = !quoted;
    else if (ch === '<' && !quoted) angled = true;
    else if (ch === '>' && !quoted) angled = false;
    if (separators.has(ch) && !quoted && !angled) {
      pieces.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  pieces.push(current);
  return pieces.map((p) => p.trim()).filter((p) => p !== '');
}

const angleAddress = /<([^<>]*)>\s*$/;

/** A piece with no address, followed by a `Name <addr>` piece, is the start of that name. */
function joinNames(pieces: readonly string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (const piece of pieces) {
    const joined = pending === '' ? piece : `${pending}, ${piece}`;
    if (!piece.includes('@') && !piece.includes('<')) {
      pending = joined;
      continue;
    }
    if (pending !== '' && !angleAddress.test(piece)) out.push(pending, piece);
    else out.push(joined);
    pending = '';
  }
  if (pending !== '') out.push(pending);
  return out;
}

/** Bare addresses separated by spaces (`a@x.it b@y.it`) are entries of their own. */
function splitSpaces(entry: string): string[] {
  if (entry.includes('<') || entry.includes('"')) return [entry];
  const words = entry.split(/\s+/);
  return words.length > 1 && words.every((w) => w.includes('@')) ? words : [entry];
}

function addressOf(entry: string): string | null {
  const angled = angleAddress.exec(entry);
  let candidate = (angled ? (angled[1] ?? '') : entry).trim();
  if (/^mailto:/i.test(candidate)) candidate = candidate.slice('mailto:'.length);
  candidate = candidate.replace(/^["']+|["']+$/g, '');
  const parsed = emailSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

/** Reads a pasted text, or a list whose items may themselves hold several entries. */
export function parseEmailList(input: string | readonly string[]): EmailList {
  const texts = typeof input === 'string' ? [input] : input;
  const raws = texts.flatMap((t) => joinNames(splitPieces(t)).flatMap(splitSpaces));
  const seen = new Set<string>();
  const list: EmailList = { entries: [], addresses: [], invalid: [], duplicates: [] };
  raws.forEach((raw, index) => {
    const email = addressOf(raw);
    list.entries.push({ index, raw, email });
    if (email === null) list.invalid.push(index);
    else if (seen.has(email)) list.duplicates.push(index);
    else {
      seen.add(email);
      list.addresses.push(email);
    }
  });
  return list;
}
