import * as Y from 'yjs';
import { sectionField } from '../shared/document/model';
import { walkXml, xmlChildren, xmlTextString } from '../shared/document/traverse';

/**
 * Comment anchors: a thread is anchored to a text range of a section by two
 * Yjs relative positions (base64). This resolves them against the section's
 * current document: detached (the text is gone) or the text they cover now.
 * Offsets are into the linear text walk (every text node in document order,
 * UTF-16, without separators), read with the shared iterative traversal, so no
 * document depth overflows the stack.
 */

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

/** The linear text of `root`, and where each node starts and ends in it. */
interface LinearText {
  text: string;
  start: Map<object, number>;
  end: Map<object, number>;
}

function linearText(root: Y.XmlFragment): LinearText {
  let text = '';
  const start = new Map<object, number>();
  const end = new Map<object, number>();
  walkXml(root, {
    enter(el) {
      start.set(el, text.length);
    },
    leave(el) {
      end.set(el, text.length);
    },
    text(t) {
      start.set(t, text.length);
      text += xmlTextString(t);
      end.set(t, text.length);
    },
  });
  start.set(root, 0);
  end.set(root, text.length);
  return { text, start, end };
}

/** Linear text offset of position (`type`, `index`), or null when `type` is not in the walked document. */
function offsetOf(lin: LinearText, type: object, index: number): number | null {
  const at = lin.start.get(type);
  if (at === undefined) return null;
  if (type instanceof Y.XmlText) return at + Math.min(index, lin.end.get(type)! - at);
  if (!(type instanceof Y.XmlElement || type instanceof Y.XmlFragment)) return null;
  const next = xmlChildren(type)[index];
  return next ? (lin.start.get(next) ?? null) : (lin.end.get(type) ?? null);
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
  let absStart: Y.AbsolutePosition | null;
  let absEnd: Y.AbsolutePosition | null;
  try {
    absStart = Y.createAbsolutePositionFromRelativePosition(relStart, doc);
    absEnd = Y.createAbsolutePositionFromRelativePosition(relEnd, doc);
  } catch {
    return detachedAnchor;
  }
  if (!absStart || !absEnd || isDeleted(absStart.type) || isDeleted(absEnd.type)) return detachedAnchor;
  const lin = linearText(doc.getXmlFragment(sectionField));
  const start = offsetOf(lin, absStart.type, absStart.index);
  const end = offsetOf(lin, absEnd.type, absEnd.index);
  if (start === null || end === null || start >= end) return detachedAnchor;
  return { detached: false, start, end, text: lin.text.slice(start, end) };
}

/** A relative position (base64) at `index` of `type`, as a client would make one. */
export function encodeAnchorPosition(type: Y.XmlText | Y.XmlElement | Y.XmlFragment, index: number, assoc = 0): string {
  return Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(type, index, assoc))).toString('base64');
}
