import * as Y from 'yjs';
import { limits } from '../limits';
import { sectionField, safeHref, inlineText, type Block, type HeadingLevel, type Inline, type Marks, type TableCell } from './model';
import { walkXml, xmlChildOf, xmlChildren, xmlTextString, type XmlChild, type XmlVisitor } from './traverse';

/**
 * THE reader of a section's document: the Y.XmlFragment `default`, as
 * @tiptap/y-tiptap writes the editor's ProseMirror document, becomes blocks
 * (model.ts). Iterative (explicit stack), so no document depth overflows the
 * call stack; containers nested deeper than `limits.maxDocumentDepth` are read
 * flattened into their parent, so the block tree handed to consumers (which
 * may recurse over it) is never deeper than that.
 *
 * How a node is read, by its role in the editor's schema:
 *   - text blocks (paragraph, heading, codeBlock): their inline content;
 *   - a rule (horizontalRule): a rule block, which holds no text;
 *   - containers (lists, list items, blockquote, table, rows, cells): their blocks;
 *   - a hard break: a break inline (at block level it joins loose inlines);
 *   - an unknown node: a text block when it holds text or nothing, else a
 *     container read in place, so no text is ever lost.
 * Marks are XmlText formatting attributes, possibly hashed (`link--abcd1234`)
 * for overlapping marks; links keep only safe addresses (safeHref).
 */

export type NodeRole = 'text' | 'rule' | 'break' | 'container';

const roles: Readonly<Record<string, NodeRole>> = {
  paragraph: 'text',
  heading: 'text',
  codeBlock: 'text',
  horizontalRule: 'rule',
  hardBreak: 'break',
  hard_break: 'break',
  bulletList: 'container',
  orderedList: 'container',
  listItem: 'container',
  blockquote: 'container',
  table: 'container',
  tableRow: 'container',
  tableHeader: 'container',
  tableCell: 'container',
};

/** The role of an element; for an unknown name, decided by what it holds. `children` reads its child XML nodes (live or, for the diff, all). */
export function nodeRole(el: Y.XmlElement, children: (el: Y.XmlElement) => readonly XmlChild[] = xmlChildren): NodeRole {
  const known = roles[el.nodeName];
  if (known) return known;
  const kids = children(el);
  if (kids.length === 0) return 'text';
  return kids.some((c) => c instanceof Y.XmlText || roles[c.nodeName] === 'break') ? 'text' : 'container';
}

const markName = (attr: string) => /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(attr)?.[1] ?? attr;

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

export interface ReadOptions {
  /** Deepest block nesting kept; deeper containers are read flattened. Default limits.maxDocumentDepth. */
  maxDepth?: number;
  /** Text only: marks are not read (each text node is one unmarked inline). For counts and text views, which need no marks: cheaper. */
  textOnly?: boolean;
}

function pushText(out: Inline[], text: Y.XmlText, textOnly = false): void {
  if (textOnly) {
    const str = xmlTextString(text);
    if (str.length > 0) out.push({ kind: 'text', text: str, marks: {} });
    return;
  }
  for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert === 'string' && op.insert.length > 0) out.push({ kind: 'text', text: op.insert, marks: marksOf(op.attributes) });
  }
}

/** The inline content of a text block: text with marks and hard breaks; unknown inline nodes give their text. */
export function readInlines(el: Y.XmlElement, textOnly = false): Inline[] {
  const out: Inline[] = [];
  const visitor: XmlVisitor = {
    text: (t) => pushText(out, t, textOnly),
    enter(child) {
      if (roles[child.nodeName] !== 'break') return true;
      out.push({ kind: 'break' });
      return false;
    },
  };
  // The usual shape (text and breaks) is read flat; anything nested goes through the iterative walk.
  for (let item = el._start; item; item = item.right) {
    if (item.deleted) continue;
    const child = xmlChildOf(item);
    if (child instanceof Y.XmlText) pushText(out, child, textOnly);
    else if (child && visitor.enter!(child, item, 1) !== false) walkXml(child, visitor);
  }
  return out;
}

function headingLevel(value: unknown): HeadingLevel {
  const n = Number(value);
  return n >= 1 && n <= 6 ? (Math.trunc(n) as HeadingLevel) : 1;
}

const positiveInt = (value: unknown, fallback: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
};

interface Frame {
  /** The next item to read (live items only). */
  next: Y.Item | null;
  /** Where blocks go. */
  out: Block[];
  /** Inlines met at block level (bare text, hard breaks), gathered into one paragraph. */
  loose: Inline[];
  /** Block nesting of `out` (0 at the top). */
  depth: number;
}

/** Reads a fragment (or an element's content) into blocks. */
export function readBlocks(root: Y.XmlFragment | Y.XmlElement, opts: ReadOptions = {}): Block[] {
  const maxDepth = opts.maxDepth ?? limits.maxDocumentDepth;
  const textOnly = opts.textOnly ?? false;
  const result: Block[] = [];
  const stack: Frame[] = [{ next: root._start, out: result, loose: [], depth: 0 }];
  const flush = (f: Frame) => {
    if (f.loose.length > 0) f.out.push({ kind: 'paragraph', inlines: f.loose });
    f.loose = [];
  };
  /** Reads `el`'s children into `out` as a new frame at `depth`. */
  const open = (el: Y.XmlElement, out: Block[], depth: number) => stack.push({ next: el._start, out, loose: [], depth });

  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const item = f.next;
    if (!item) {
      flush(f);
      stack.pop();
      continue;
    }
    f.next = item.right;
    if (item.deleted) continue;
    const child = xmlChildOf(item);
    if (!child) continue;
    if (child instanceof Y.XmlText) {
      pushText(f.loose, child, textOnly);
      continue;
    }
    const role = nodeRole(child);
    if (role === 'break') {
      f.loose.push({ kind: 'break' });
      continue;
    }
    flush(f);
    const nested = f.depth < maxDepth;
    const name = child.nodeName;
    switch (role) {
      case 'text':
        if (name === 'heading') f.out.push({ kind: 'heading', level: headingLevel(child.getAttribute('level')), inlines: readInlines(child, textOnly) });
        else if (name === 'codeBlock') f.out.push({ kind: 'code', text: inlineText(readInlines(child, textOnly)) });
        else f.out.push({ kind: 'paragraph', inlines: readInlines(child, textOnly) });
        break;
      case 'rule':
        f.out.push({ kind: 'rule' });
        break;
      case 'container':
        if (!nested) {
          // Past the depth limit: the content is read in place, flattened.
          open(child, f.out, f.depth);
        } else if (name === 'bulletList' || name === 'orderedList') {
          const list: Block = { kind: 'list', ordered: name === 'orderedList', start: positiveInt(child.getAttribute('start'), 1), items: [] };
          f.out.push(list);
          // Items are read in reverse onto the stack so they are read in order; each has its own array.
          const items = xmlChildren(child);
          for (const it of items) list.items.push([]);
          for (let i = items.length - 1; i >= 0; i--) {
            const it = items[i]!;
            const arr = list.items[i]!;
            if (it instanceof Y.XmlText) {
              const inl: Inline[] = [];
              pushText(inl, it, textOnly);
              if (inl.length > 0) arr.push({ kind: 'paragraph', inlines: inl });
            } else open(it, arr, f.depth + 1);
          }
        } else if (name === 'blockquote') {
          const quote: Block = { kind: 'quote', blocks: [] };
          f.out.push(quote);
          open(child, quote.blocks, f.depth + 1);
        } else if (name === 'table') {
          const rows: TableCell[][] = [];
          f.out.push({ kind: 'table', rows });
          const pending: [Y.XmlElement, Block[]][] = [];
          for (const row of xmlChildren(child)) {
            if (!(row instanceof Y.XmlElement)) continue;
            const cells: TableCell[] = [];
            rows.push(cells);
            for (const cell of xmlChildren(row)) {
              if (!(cell instanceof Y.XmlElement)) continue;
              const c: TableCell = {
                header: cell.nodeName === 'tableHeader',
                colspan: positiveInt(cell.getAttribute('colspan'), 1),
                rowspan: positiveInt(cell.getAttribute('rowspan'), 1),
                blocks: [],
              };
              cells.push(c);
              pending.push([cell, c.blocks]);
            }
          }
          for (let i = pending.length - 1; i >= 0; i--) open(pending[i]![0], pending[i]![1], f.depth + 1);
        } else {
          // A list item, row or cell out of place, or an unknown container: its content in place.
          open(child, f.out, f.depth);
        }
        break;
      default: {
        const never: never = role;
        return never;
      }
    }
  }
  return result;
}

/** Reads a section's document into blocks. */
export function readSection(doc: Y.Doc, opts: ReadOptions = {}): Block[] {
  return readBlocks(doc.getXmlFragment(sectionField), opts);
}
