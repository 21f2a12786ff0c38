import type * as Y from 'yjs';

/**
 * Seeded random edits for convergence runs (text inserts and deletes, map
 * sets), and a comparable state of a doc.
 */

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random operation on `doc`, tagged with `tag` so lost edits are recognisable. */
export function randomOp(doc: Y.Doc, rand: () => number, tag: string): void {
  const text = doc.getText('body');
  const r = rand();
  if (r < 0.6 || text.length === 0) {
    text.insert(Math.floor(rand() * (text.length + 1)), tag);
  } else if (r < 0.85) {
    const at = Math.floor(rand() * text.length);
    text.delete(at, Math.min(1 + Math.floor(rand() * 4), text.length - at));
  } else {
    doc.getMap('meta').set(`k${Math.floor(rand() * 5)}`, tag);
  }
}

/** The comparable state: the text, and the map's entries sorted (a Y.Map iterates in arrival order). */
export const docState = (doc: Y.Doc) =>
  JSON.stringify({ body: doc.getText('body').toString(), meta: Object.entries(doc.getMap('meta').toJSON()).sort(([x], [y]) => x.localeCompare(y)) });
