import * as Y from 'yjs';

/**
 * One iterative traversal of a Yjs XML tree (explicit stack, no recursion, so
 * a document of any depth is safe). It walks the items of each type in order,
 * so it can also visit deleted content with its ids (the attributed diff reads
 * a doc kept without garbage collection). Every other reader of the document
 * is built on it (read-blocks.ts) or checks depth with it before handing the
 * document to recursive code (documentDepth).
 */

export type XmlChild = Y.XmlElement | Y.XmlText;

export interface XmlVisitor {
  /** An element is entered; return false to skip its children (and its leave). */
  enter?(el: Y.XmlElement, item: Y.Item, depth: number): boolean | void;
  /** An element's children are done. */
  leave?(el: Y.XmlElement, item: Y.Item, depth: number): void;
  /** A text node. */
  text?(text: Y.XmlText, item: Y.Item, depth: number): void;
}

export interface WalkOptions {
  /** Also visit deleted items (only meaningful on a doc without gc). Default false. */
  deleted?: boolean;
}

interface Frame {
  el: Y.XmlElement | null;
  item: Y.Item | null;
  next: Y.Item | null;
  depth: number;
}

/** The XML child held by an item, if any (XmlHook and non-type content are skipped). */
export function xmlChildOf(item: Y.Item): XmlChild | null {
  if (!(item.content instanceof Y.ContentType)) return null;
  const t = item.content.type;
  return t instanceof Y.XmlElement || t instanceof Y.XmlText ? t : null;
}

/** Walks `root`'s descendants in document order; `depth` is 1 for the root's children. */
export function walkXml(root: Y.XmlFragment | Y.XmlElement, visitor: XmlVisitor, opts: WalkOptions = {}): void {
  const deleted = opts.deleted ?? false;
  const stack: Frame[] = [{ el: null, item: null, next: root._start, depth: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const item = top.next;
    if (!item) {
      stack.pop();
      if (top.el && top.item) visitor.leave?.(top.el, top.item, top.depth);
      continue;
    }
    top.next = item.right;
    if (item.deleted && !deleted) continue;
    const child = xmlChildOf(item);
    if (!child) continue;
    const depth = top.depth + 1;
    if (child instanceof Y.XmlText) {
      visitor.text?.(child, item, depth);
    } else if (visitor.enter?.(child, item, depth) !== false) {
      stack.push({ el: child, item, next: child._start, depth });
    }
  }
}

/** The deepest nesting of elements in `root` (0 when it has none), counted iteratively. */
export function documentDepth(root: Y.XmlFragment | Y.XmlElement): number {
  let max = 0;
  walkXml(root, {
    enter(_el, _item, depth) {
      if (depth > max) max = depth;
    },
  });
  return max;
}

/** The children of an element with their items: live ones (what `toArray()` gives), or all with `deleted`. XML types only. */
export function xmlChildItems(el: Y.XmlFragment | Y.XmlElement, opts: WalkOptions = {}): [XmlChild, Y.Item][] {
  const out: [XmlChild, Y.Item][] = [];
  for (let item = el._start; item; item = item.right) {
    if (item.deleted && !opts.deleted) continue;
    const c = xmlChildOf(item);
    if (c) out.push([c, item]);
  }
  return out;
}

/** The children of an element: live ones (what `toArray()` gives), or all with `deleted`. XML types only. */
export const xmlChildren = (el: Y.XmlFragment | Y.XmlElement, opts: WalkOptions = {}): XmlChild[] => xmlChildItems(el, opts).map(([c]) => c);

/** The plain string of a text node (embeds dropped). */
export function xmlTextString(t: Y.XmlText): string {
  let out = '';
  for (let item = t._start; item; item = item.right) {
    if (!item.deleted && item.content instanceof Y.ContentString) out += item.content.str;
  }
  return out;
}
