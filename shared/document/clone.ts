import * as Y from 'yjs';
import { limits } from '../limits';
import { xmlChildren, type XmlChild } from './traverse';
import { isContainerType } from './update-depth';

/**
 * Copies of a fragment's blocks, made without recursion, for inserting into
 * another document (a restore). Yjs's own `clone()` recurses once per level and
 * overflows the stack on a deep document; this walks an explicit stack instead.
 *
 * Containers deeper than `maxDepth` are not copied as elements: their content
 * goes, in order, into the deepest element that was copied (as the reader
 * flattens them), so the copy is at most `maxDepth` containers deep plus its
 * text blocks, and no text is lost. Text blocks and leaves may sit two levels
 * below the deepest container (the deepest only when empty); deeper elements
 * are flattened the same way. With the default depth the copy always passes
 * the write-time depth check (update-depth.ts).
 */
export function cloneBlocks(root: Y.XmlFragment | Y.XmlElement, maxDepth: number = limits.maxDocumentDepth): XmlChild[] {
  const out: XmlChild[] = [];
  /** A copied element and how many children it has so far (a prelim type's length warns before it is in a doc). */
  type Sink = { el: Y.XmlElement; count: number };
  type Frame = { children: readonly XmlChild[]; next: number; into: Sink | null; depth: number };
  const stack: Frame[] = [{ children: xmlChildren(root), next: 0, into: null, depth: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const child = frame.children[frame.next++];
    if (child === undefined) {
      stack.pop();
      continue;
    }
    const put = (node: XmlChild) => {
      if (frame.into) frame.into.el.insert(frame.into.count++, [node]);
      else out.push(node);
    };
    if (child instanceof Y.XmlText) {
      put(child.clone());
      continue;
    }
    // Containers as the depth limit counts them (update-depth.ts): past `maxDepth` they are flattened. Any other
    // element may go two levels further (a text block in the deepest container, and a hard break in it), the
    // deepest of them only when empty: what is deeper is flattened too, so the copy always passes the write check.
    const kids = xmlChildren(child);
    const depth = frame.depth + 1;
    const flatten = isContainerType(child) ? depth > maxDepth : depth > maxDepth + 2 || (depth === maxDepth + 2 && kids.length > 0);
    if (flatten) {
      stack.push({ children: kids, next: 0, into: frame.into, depth: frame.depth });
      continue;
    }
    // Attributes as Yjs's clone() copies them: any value (y-tiptap stores numbers, e.g. a heading's level).
    const copy = new Y.XmlElement(child.nodeName);
    for (const [key, value] of Object.entries(child.getAttributes())) if (value !== undefined) copy.setAttribute(key, value);
    put(copy);
    stack.push({ children: kids, next: 0, into: { el: copy, count: 0 }, depth });
  }
  return out;
}
