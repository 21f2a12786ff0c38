import * as Y from 'yjs';
import { blockSeparator, countBlockChars } from '../shared/char-count';

/**
 * Reading a section's text on the server: the Y.XmlFragment named `default`
 * (Tiptap Collaboration's field), walked block by block. Used by the stats
 * recompute (characters with spaces) and by comment anchors (detached or not).
 *
 * The counting rule (characters with spaces) is shared/char-count.ts; this
 * module supplies the blocks. Empty paragraphs count as an empty block.
 */

export const fragmentName = 'default';

/** Blocks whose children are inline content. Anything else with XmlText children is treated as one too. */
const inlineBreaks = new Set(['hardBreak', 'hard_break']);

/** A block whose children are inline content (text or hard breaks), or an empty one. */
export function isTextBlock(el: Y.XmlElement): boolean {
  const children = el.toArray();
  if (children.length === 0) return true;
  return children.some((c) => c instanceof Y.XmlText || (c instanceof Y.XmlElement && inlineBreaks.has(c.nodeName)));
}

/** The plain text of a text block: marks dropped, a hard break is a newline. */
export function inlineText(el: Y.XmlElement): string {
  let out = '';
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText) out += xmlTextString(child);
    else if (child instanceof Y.XmlElement && inlineBreaks.has(child.nodeName)) out += '\n';
  }
  return out;
}

function xmlTextString(t: Y.XmlText): string {
  let out = '';
  for (const op of t.toDelta() as { insert?: unknown }[]) if (typeof op.insert === 'string') out += op.insert;
  return out;
}

/** The text blocks of a fragment or element, in document order. */
export function textBlocks(node: Y.XmlFragment | Y.XmlElement): string[] {
  const blocks: string[] = [];
  const visit = (n: Y.XmlFragment | Y.XmlElement) => {
    for (const child of n.toArray()) {
      if (child instanceof Y.XmlElement) {
        if (isTextBlock(child)) blocks.push(inlineText(child));
        else visit(child);
      } else if (child instanceof Y.XmlText) {
        blocks.push(xmlTextString(child));
      }
    }
  };
  visit(node);
  return blocks;
}

/** The section's plain text: blocks joined by newlines. */
export function sectionText(doc: Y.Doc): string {
  return textBlocks(doc.getXmlFragment(fragmentName)).join(blockSeparator);
}

/** Characters with spaces, as defined above. */
export function sectionChars(doc: Y.Doc): number {
  return countBlockChars(textBlocks(doc.getXmlFragment(fragmentName)));
}

// ---------------------------------------------------------------- anchors

export interface ResolvedAnchor {
  /** The anchored text is gone (deleted, or the range collapsed). */
  detached: boolean;
  /** Offsets into the linear text walk (UTF-16, blocks joined without separators), when attached. */
  start: number | null;
  end: number | null;
  /** The text the anchor covers now, when attached. */
  text: string | null;
}

const detachedAnchor: ResolvedAnchor = { detached: true, start: null, end: null, text: null };

function isDeleted(type: Y.AbstractType<unknown>): boolean {
  for (let t: Y.AbstractType<unknown> | null = type; t; t = (t._item?.parent as Y.AbstractType<unknown> | null | undefined) ?? null) {
    if (t._item?.deleted) return true;
  }
  return false;
}

type Walk = { found: boolean; offset: number };

/** Linear text offset of position (`type`, `index`) within `root`, or null when `type` is not in it. */
function offsetOf(root: Y.XmlFragment, type: Y.AbstractType<unknown>, index: number): number | null {
  const state: Walk = { found: false, offset: 0 };
  const lengthOf = (n: unknown): number => {
    if (n instanceof Y.XmlText) return n.length;
    if (n instanceof Y.XmlElement) return n.toArray().reduce<number>((a, c) => a + lengthOf(c), 0);
    return 0;
  };
  const visit = (n: Y.XmlFragment | Y.XmlElement): void => {
    if (state.found) return;
    if ((n as Y.AbstractType<unknown>) === type) {
      state.offset += n.toArray().slice(0, index).reduce<number>((a, c) => a + lengthOf(c), 0);
      state.found = true;
      return;
    }
    for (const child of n.toArray()) {
      if (state.found) return;
      if (child instanceof Y.XmlText) {
        if ((child as Y.AbstractType<unknown>) === type) {
          state.offset += Math.min(index, child.length);
          state.found = true;
          return;
        }
        state.offset += child.length;
      } else if (child instanceof Y.XmlElement) {
        visit(child);
      }
    }
  };
  visit(root);
  return state.found ? state.offset : null;
}

function linearText(root: Y.XmlFragment, start: number, end: number): string {
  let all = '';
  const visit = (n: Y.XmlFragment | Y.XmlElement) => {
    for (const child of n.toArray()) {
      if (child instanceof Y.XmlText) all += xmlTextString(child);
      else if (child instanceof Y.XmlElement) visit(child);
    }
  };
  visit(root);
  return all.slice(start, end);
}

function decodeRelative(b64: string): Y.RelativePosition | null {
  try {
    return Y.decodeRelativePosition(new Uint8Array(Buffer.from(b64, 'base64')));
  } catch {
    return null;
  }
}

/** Whether an anchor still covers text in `doc`, and which. */
export function resolveAnchor(doc: Y.Doc, anchor: { start: string; end: string }): ResolvedAnchor {
  const relStart = decodeRelative(anchor.start);
  const relEnd = decodeRelative(anchor.end);
  if (!relStart || !relEnd) return detachedAnchor;
  const root = doc.getXmlFragment(fragmentName);
  let absStart: Y.AbsolutePosition | null;
  let absEnd: Y.AbsolutePosition | null;
  try {
    absStart = Y.createAbsolutePositionFromRelativePosition(relStart, doc);
    absEnd = Y.createAbsolutePositionFromRelativePosition(relEnd, doc);
  } catch {
    return detachedAnchor;
  }
  if (!absStart || !absEnd || isDeleted(absStart.type) || isDeleted(absEnd.type)) return detachedAnchor;
  const start = offsetOf(root, absStart.type, absStart.index);
  const end = offsetOf(root, absEnd.type, absEnd.index);
  if (start === null || end === null || start >= end) return detachedAnchor;
  return { detached: false, start, end, text: linearText(root, start, end) };
}

/** A relative position (base64) at `index` of `type`, as a client would make one. */
export function encodeAnchorPosition(type: Y.XmlText | Y.XmlElement | Y.XmlFragment, index: number, assoc = 0): string {
  return Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(type, index, assoc))).toString('base64');
}
