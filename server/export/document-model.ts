import * as Y from 'yjs';

/**
 * The one reader of a section's rich text for every export format: the
 * Y.XmlFragment `default` (Tiptap Collaboration's field, written by
 * @tiptap/y-tiptap) becomes a small typed block/inline model. Node names are
 * Tiptap's (StarterKit + Table + Link); marks are XmlText formatting attributes,
 * possibly hashed (`link--abcd1234`) for overlapping marks.
 */

export interface Marks {
  bold?: true;
  italic?: true;
  strike?: true;
  underline?: true;
  code?: true;
  /** The link target, only for http(s) and mailto addresses. */
  link?: string;
}

export type Inline = { kind: 'text'; text: string; marks: Marks } | { kind: 'break' };

export interface TableCell {
  header: boolean;
  colspan: number;
  rowspan: number;
  blocks: Block[];
}

export type Block =
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; inlines: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { kind: 'quote'; blocks: Block[] }
  | { kind: 'code'; text: string }
  | { kind: 'rule' }
  | { kind: 'table'; rows: TableCell[][] };

/** The Yjs field Tiptap Collaboration binds to. */
export const sectionField = 'default';

/** Reads a section's document into blocks. */
export function readSection(doc: Y.Doc): Block[] {
  return readBlocks(doc.getXmlFragment(sectionField).toArray());
}

const markName = (attr: string) => /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(attr)?.[1] ?? attr;

/** Only addresses a reader can safely follow: http(s) and mailto. Anything else is dropped. */
export function safeHref(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const href = value.trim();
  return /^(https?:\/\/|mailto:)/i.test(href) ? href : undefined;
}

function marksOf(attributes: Record<string, unknown> | undefined): Marks {
  const marks: Marks = {};
  for (const [attr, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    switch (markName(attr)) {
      case 'bold':
        marks.bold = true;
        break;
      case 'italic':
        marks.italic = true;
        break;
      case 'strike':
        marks.strike = true;
        break;
      case 'underline':
        marks.underline = true;
        break;
      case 'code':
        marks.code = true;
        break;
      case 'link': {
        const href = safeHref(typeof value === 'object' ? (value as { href?: unknown }).href : value);
        if (href) marks.link = href;
        break;
      }
    }
  }
  return marks;
}

type Child = Y.XmlElement | Y.XmlText | Y.XmlHook;

function readInlines(children: readonly Child[]): Inline[] {
  const out: Inline[] = [];
  for (const child of children) {
    if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
        if (typeof op.insert === 'string' && op.insert.length > 0) out.push({ kind: 'text', text: op.insert, marks: marksOf(op.attributes) });
      }
    } else if (child instanceof Y.XmlElement) {
      if (child.nodeName === 'hardBreak') out.push({ kind: 'break' });
      else out.push(...readInlines(child.toArray()));
    }
  }
  return out;
}

function headingLevel(value: unknown): 1 | 2 | 3 | 4 | 5 | 6 {
  const n = Number(value);
  return n >= 1 && n <= 6 ? (Math.trunc(n) as 1 | 2 | 3 | 4 | 5 | 6) : 1;
}

const positiveInt = (value: unknown, fallback: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
};

function plainText(children: readonly Child[]): string {
  return readInlines(children)
    .map((i) => (i.kind === 'break' ? '\n' : i.text))
    .join('');
}

function readBlocks(children: readonly Child[]): Block[] {
  const out: Block[] = [];
  let loose: Inline[] = [];
  const flush = () => {
    if (loose.length > 0) out.push({ kind: 'paragraph', inlines: loose });
    loose = [];
  };
  for (const child of children) {
    if (!(child instanceof Y.XmlElement)) {
      loose.push(...readInlines([child]));
      continue;
    }
    const kids = child.toArray();
    const name = child.nodeName;
    if (name === 'hardBreak') {
      loose.push({ kind: 'break' });
      continue;
    }
    flush();
    switch (name) {
      case 'paragraph':
        out.push({ kind: 'paragraph', inlines: readInlines(kids) });
        break;
      case 'heading':
        out.push({ kind: 'heading', level: headingLevel(child.getAttribute('level')), inlines: readInlines(kids) });
        break;
      case 'bulletList':
      case 'orderedList':
        out.push({
          kind: 'list',
          ordered: name === 'orderedList',
          start: positiveInt(child.getAttribute('start'), 1),
          items: kids.map((item) => (item instanceof Y.XmlElement ? readBlocks(item.toArray()) : readBlocks([item]))),
        });
        break;
      case 'blockquote':
        out.push({ kind: 'quote', blocks: readBlocks(kids) });
        break;
      case 'codeBlock':
        out.push({ kind: 'code', text: plainText(kids) });
        break;
      case 'horizontalRule':
        out.push({ kind: 'rule' });
        break;
      case 'table':
        out.push({ kind: 'table', rows: kids.filter((r): r is Y.XmlElement => r instanceof Y.XmlElement).map(readRow) });
        break;
      default:
        // An unknown container: keep its content rather than lose text.
        out.push(...readBlocks(kids));
    }
  }
  flush();
  return out;
}

function readRow(row: Y.XmlElement): TableCell[] {
  return row
    .toArray()
    .filter((c): c is Y.XmlElement => c instanceof Y.XmlElement)
    .map((cell) => ({
      header: cell.nodeName === 'tableHeader',
      colspan: positiveInt(cell.getAttribute('colspan'), 1),
      rowspan: positiveInt(cell.getAttribute('rowspan'), 1),
      blocks: readBlocks(cell.toArray()),
    }));
}

/** The text of inlines; a hard break is a newline. */
export const inlineText = (inlines: readonly Inline[]): string => inlines.map((i) => (i.kind === 'break' ? '\n' : i.text)).join('');

/**
 * The text of every text block in reading order (a horizontal rule is an empty
 * one): joined by newlines, this is the text the meter counts (server/section-text.ts).
 */
export function blockTexts(blocks: readonly Block[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'paragraph':
      case 'heading':
        out.push(inlineText(b.inlines));
        break;
      case 'list':
        for (const item of b.items) out.push(...blockTexts(item));
        break;
      case 'quote':
        out.push(...blockTexts(b.blocks));
        break;
      case 'code':
        out.push(b.text);
        break;
      case 'rule':
        out.push('');
        break;
      case 'table':
        for (const row of b.rows) for (const cell of row) out.push(...blockTexts(cell.blocks));
        break;
    }
  }
  return out;
}
