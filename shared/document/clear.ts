import type * as Y from 'yjs';
import { walkXml } from './traverse';

/** Levels deleted per transaction: Yjs's garbage collection recurses this deep at most. */
const BAND = 32;

/**
 * Deletes everything in `root` without letting Yjs recurse through a deep
 * subtree. Yjs deletes a type's children recursively, and garbage-collects a
 * deleted type's subtree recursively at the end of the transaction: on a
 * document thousands of levels deep both overflow the stack, and a stored
 * deletion of such a subtree would overflow again on every load.
 *
 * Here the elements are emptied from the deepest level up, `BAND` levels per
 * transaction: each deletion meets children that are already deleted, and each
 * transaction's collection meets at most `BAND` levels that are not collected
 * yet. The doc must not be inside a transaction (each band must end its own);
 * it is meant for a scratch doc (a repair), and emits one update per band.
 */
export function clearWithoutRecursion(doc: Y.Doc, root: Y.XmlFragment | Y.XmlElement): void {
  const byDepth: Y.XmlElement[][] = [];
  walkXml(root, {
    enter(el, _item, depth) {
      (byDepth[depth - 1] ??= []).push(el);
    },
  });
  for (let top = byDepth.length; top > 0; top -= BAND) {
    doc.transact(() => {
      for (let depth = top; depth > Math.max(0, top - BAND); depth--) {
        for (const el of byDepth[depth - 1] ?? []) if (el.length > 0) el.delete(0, el.length);
      }
    });
  }
  doc.transact(() => {
    if (root.length > 0) root.delete(0, root.length);
  });
}
