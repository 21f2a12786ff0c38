import * as Y from 'yjs';
import { walkXml, xmlChildren, xmlTextString } from './traverse';

/**
 * Text positions in a section's document, for the consumers that need them
 * (comment anchors): the linear text (every text node in document order,
 * UTF-16, no separators between blocks) and where each node starts and ends
 * in it. Read with the iterative traversal, so any depth is safe.
 */
export interface TextPositions {
  text: string;
  /** Offset where a node (element or text) starts, keyed by the Yjs type. */
  start: ReadonlyMap<object, number>;
  /** Offset where it ends. */
  end: ReadonlyMap<object, number>;
}

export function textPositions(root: Y.XmlFragment): TextPositions {
  let text = '';
  const start = new Map<object, number>([[root, 0]]);
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
  end.set(root, text.length);
  return { text, start, end };
}

/**
 * The linear offset of Yjs position (`type`, `index`): inside a text node, its
 * start plus the index; inside an element or the fragment, where its child
 * number `index` starts (its end past the last child). Null when `type` is not
 * in the document the positions were read from.
 */
export function offsetAt(positions: TextPositions, type: object, index: number): number | null {
  const at = positions.start.get(type);
  if (at === undefined) return null;
  if (type instanceof Y.XmlText) return at + Math.min(index, positions.end.get(type)! - at);
  if (!(type instanceof Y.XmlElement || type instanceof Y.XmlFragment)) return null;
  const next = xmlChildren(type)[index];
  return next ? (positions.start.get(next) ?? null) : (positions.end.get(type) ?? null);
}
