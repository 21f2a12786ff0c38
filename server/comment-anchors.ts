import * as Y from 'yjs';
import { sectionField } from '../shared/document/model';
import { offsetAt, textPositions } from '../shared/document/positions';

/**
 * Comment anchors: a thread is anchored to a text range of a section by two
 * Yjs relative positions (base64). This resolves them against the section's
 * current document: detached (the text is gone) or the text they cover now.
 * Offsets are into the linear text walk (every text node in document order,
 * UTF-16, without separators): the shared reader's text positions
 * (shared/document/positions.ts), iterative, so no document depth overflows the stack.
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
  const positions = textPositions(doc.getXmlFragment(sectionField));
  const start = offsetAt(positions, absStart.type, absStart.index);
  const end = offsetAt(positions, absEnd.type, absEnd.index);
  if (start === null || end === null || start >= end) return detachedAnchor;
  return { detached: false, start, end, text: positions.text.slice(start, end) };
}

/** A relative position (base64) at `index` of `type`, as a client would make one. */
export function encodeAnchorPosition(type: Y.XmlText | Y.XmlElement | Y.XmlFragment, index: number, assoc = 0): string {
  return Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(type, index, assoc))).toString('base64');
}
