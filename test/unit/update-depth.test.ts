import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { limits } from '../../shared/limits';
import { sectionField } from '../../shared/document/model';
import { deletesTallSubtree, findTooDeep, findTooDeepInDoc, findTooDeepSince, maxContainerLevel, maxNodeLevel } from '../../shared/document/update-depth';
import { cloneBlocks } from '../../shared/document/clone';
import { clearWithoutRecursion } from '../../shared/document/clear';
import { sectionText } from '../../shared/document/text-blocks';
import { deletionUpdate } from '../helpers/yclient';

const limit = limits.maxDocumentDepth;

/** Records every update a doc emits. */
function recorder(doc: Y.Doc): Uint8Array[] {
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  return out;
}

/** `n` nested elements named `name` under `parent`, with a paragraph holding `text` at the bottom; returns the innermost element. */
function nest(parent: Y.XmlFragment | Y.XmlElement, n: number, name = 'blockquote', text: string | null = 'bottom'): Y.XmlElement | Y.XmlFragment {
  let at: Y.XmlFragment | Y.XmlElement = parent;
  for (let i = 0; i < n; i++) {
    const el = new Y.XmlElement(name);
    at.insert(at.length, [el]);
    at = el;
  }
  if (text !== null) {
    const p = new Y.XmlElement('paragraph');
    at.insert(at.length, [p]);
    p.insert(0, [new Y.XmlText(text)]);
  }
  return at;
}

/** The update that writes `n` nested quotes (with a paragraph and its text) into a fresh doc. */
function nestedUpdate(n: number, name = 'blockquote'): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => nest(doc.getXmlFragment(sectionField), n, name));
  const u = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return u;
}

describe('SEC9: an update is checked for depth before it is applied', () => {
  it('SEC9 the limits: containers at 64, a text block and its text two levels below', () => {
    expect(maxContainerLevel).toBe(64);
    expect(maxNodeLevel).toBe(66);
  });

  it('SEC9 64 nested quotes around a paragraph are accepted; 65 are refused at level 65', () => {
    const server = new Y.Doc();
    expect(findTooDeep(server, nestedUpdate(limit))).toBeNull();
    expect(findTooDeep(server, nestedUpdate(limit + 1))).toEqual({ level: limit + 1, limit, parked: false });
    // Lists and tables count every element (list, item; table, row, cell), as the restore copy does.
    expect(findTooDeep(server, nestedUpdate(limit, 'listItem'))).toBeNull();
    expect(findTooDeep(server, nestedUpdate(limit + 1, 'tableCell'))).toMatchObject({ level: limit + 1 });
    // An unknown element counts as a container.
    expect(findTooDeep(server, nestedUpdate(limit + 1, 'mystery'))).toMatchObject({ level: limit + 1 });
    server.destroy();
  });

  it('SEC9 text blocks do not count as containers, but nothing may sit below level 66', () => {
    const server = new Y.Doc();
    // 64 quotes, a paragraph (65) holding a paragraph (66) that is empty: the limit exactly.
    const ok = new Y.Doc();
    ok.transact(() => {
      const inner = nest(ok.getXmlFragment(sectionField), limit, 'blockquote', null);
      const p = new Y.XmlElement('paragraph');
      inner.insert(0, [p]);
      p.insert(0, [new Y.XmlElement('hardBreak')]);
    });
    expect(findTooDeep(server, Y.encodeStateAsUpdate(ok))).toBeNull();
    // 64 paragraphs nested in each other, with text at 66: accepted; one more: its text is at 67.
    expect(findTooDeep(server, nestedUpdate(maxNodeLevel - 2, 'paragraph'))).toBeNull();
    expect(findTooDeep(server, nestedUpdate(maxNodeLevel - 1, 'paragraph'))).toEqual({ level: maxNodeLevel + 1, limit: maxNodeLevel, parked: false });
    ok.destroy();
    server.destroy();
  });

  it('SEC9 a 10,000-deep update (about 205 KB) is refused without recursion', () => {
    const update = nestedUpdate(10_000);
    expect(update.byteLength).toBeGreaterThan(195_000);
    expect(findTooDeep(new Y.Doc(), update)).toEqual({ level: limit + 1, limit, parked: false });
  });

  it('SEC9 an update that nests under content the doc already holds counts from that content, by explicit parent or by its left neighbour', () => {
    const server = new Y.Doc();
    const client = new Y.Doc();
    const updates = recorder(client);
    let inner: Y.XmlElement | Y.XmlFragment = client.getXmlFragment(sectionField);
    client.transact(() => {
      inner = nest(client.getXmlFragment(sectionField), limit - 2, 'blockquote');
    });
    Y.applyUpdate(server, updates.pop()!);
    // Two more levels inside the innermost quote: 64, accepted.
    client.transact(() => nest(inner, 2, 'blockquote', 'two more'));
    const twoMore = updates.pop()!;
    expect(findTooDeep(server, twoMore)).toBeNull();
    Y.applyUpdate(server, twoMore);
    // A quote after the paragraph at level 63 (its parent comes from its left neighbour, in the doc), holding one quote: 64.
    const deepest = () => {
      let el: Y.XmlFragment | Y.XmlElement = client.getXmlFragment(sectionField);
      for (let i = 0; i < limit; i++) el = el.toArray().filter((c): c is Y.XmlElement => c instanceof Y.XmlElement && c.nodeName === 'blockquote')[0]!;
      return el as Y.XmlElement;
    };
    const q64 = deepest();
    client.transact(() => q64.insert(q64.length, [new Y.XmlElement('blockquote')]));
    const sibling = updates.pop()!;
    expect(findTooDeep(server, sibling)).toEqual({ level: limit + 1, limit, parked: false });
    server.destroy();
    client.destroy();
  });

  it('SEC9 content parked for a missing parent is checked on what is known, and again with the update that completes it', () => {
    const server = new Y.Doc();
    const client = new Y.Doc();
    const updates = recorder(client);
    const top = new Y.XmlElement('blockquote');
    client.getXmlFragment(sectionField).insert(0, [top]);
    const first = updates.pop()!;
    client.transact(() => nest(top, limit, 'blockquote'));
    const chain = updates.pop()!;
    // Without its parent the chain is 64 quotes deep: it may park.
    expect(findTooDeep(server, chain)).toBeNull();
    Y.applyUpdate(server, chain);
    const parked = server.store.pendingStructs?.update ?? null;
    expect(parked).not.toBeNull();
    // The update that completes it would put the parked chain at 65: the parked part is the culprit.
    expect(findTooDeep(server, first, parked)).toEqual({ level: limit + 1, limit, parked: true });
    expect(findTooDeep(server, first)).toBeNull();
    // A chain that is too deep even without its parent is refused at once.
    const deeper = new Y.Doc();
    const more = recorder(deeper);
    const root = new Y.XmlElement('blockquote');
    deeper.getXmlFragment(sectionField).insert(0, [root]);
    more.pop();
    deeper.transact(() => nest(root, limit + 1, 'blockquote'));
    expect(findTooDeep(new Y.Doc(), more.pop()!)).toMatchObject({ level: limit + 1, parked: false });
    server.destroy();
    client.destroy();
    deeper.destroy();
  });

  it('SEC9 content the doc already holds is not checked again (a client resending an old deep doc is not refused for it)', () => {
    const server = new Y.Doc();
    const deep = nestedUpdate(limit + 10);
    Y.applyUpdate(server, deep);
    expect(findTooDeep(server, deep)).toBeNull();
    expect(findTooDeepInDoc(server)).toEqual({ level: limit + 1, limit, parked: false });
    server.destroy();
  });
});

describe('SEC10: a document stored too deep', () => {
  it('SEC10 the whole-doc check finds a 10,000-deep document iteratively, and passes one at the limit', () => {
    const deep = new Y.Doc();
    Y.applyUpdate(deep, nestedUpdate(10_000));
    expect(findTooDeepInDoc(deep)).toMatchObject({ level: limit + 1 });
    const ok = new Y.Doc();
    Y.applyUpdate(ok, nestedUpdate(limit));
    expect(findTooDeepInDoc(ok)).toBeNull();
    deep.destroy();
    ok.destroy();
  });

  it('SEC10 a deletion of a subtree taller than 66 levels is detected before Yjs deletes it recursively (which overflows)', () => {
    const server = new Y.Doc();
    const client = new Y.Doc();
    const deep = nestedUpdate(10_000);
    Y.applyUpdate(server, deep);
    Y.applyUpdate(client, deep);
    const updates = recorder(client);
    const fragment = client.getXmlFragment(sectionField);
    // The paragraph at the bottom is shallow: deleting it is fine.
    let el: Y.XmlElement | Y.XmlFragment = fragment;
    while (el.get(0) instanceof Y.XmlElement) el = el.get(0) as Y.XmlElement;
    (el.parent as Y.XmlElement).delete(0, 1);
    expect(deletesTallSubtree(server, updates.pop()!)).toBe(false);
    // Deleting the top quote in Yjs overflows the stack; the check sees it coming.
    const deletion = new Y.Doc();
    Y.applyUpdate(deletion, Y.encodeStateAsUpdate(client));
    expect(() => deletion.getXmlFragment(sectionField).delete(0, 1)).toThrow(RangeError);
    const topId = (fragment.get(0) as Y.XmlElement)._item!.id;
    expect(deletesTallSubtree(server, deletionUpdate(topId.client, topId.clock, 1))).toBe(true);
    deletion.destroy();
    server.destroy();
    client.destroy();
  });
});

describe('SEC9/SEC10: server-side edits and the restore copy', () => {
  it('SEC9 findTooDeepSince finds a type a server edit nested too deep, and nothing at the limit', () => {
    const doc = new Y.Doc();
    let tooDeep: unknown = 'unset';
    doc.transact((tr) => {
      nest(doc.getXmlFragment(sectionField), limit);
      tooDeep = findTooDeepSince(doc, tr.beforeState);
    });
    expect(tooDeep).toBeNull();
    doc.transact((tr) => {
      nest(doc.getXmlFragment(sectionField), limit + 1);
      tooDeep = findTooDeepSince(doc, tr.beforeState);
    });
    expect(tooDeep).toEqual({ level: limit + 1, limit, parked: false });
    doc.destroy();
  });

  it('SEC10 the restore copy of a pathological document (10,000 quotes, 200 nested paragraphs, a deep hard break) passes the write check with every character kept; clearing it never recurses', () => {
    const source = new Y.Doc();
    source.transact(() => {
      const fragment = source.getXmlFragment(sectionField);
      nest(fragment, 10_000, 'blockquote', 'bottom of the pit');
      nest(fragment, 200, 'paragraph', 'inside paragraphs');
      const inner = nest(fragment, limit, 'blockquote', null);
      const p = new Y.XmlElement('paragraph');
      inner.insert(0, [p]);
      p.insert(0, [new Y.XmlText('before'), new Y.XmlElement('hardBreak'), new Y.XmlText('after')]);
    });
    const text = sectionText(source);
    const target = new Y.Doc();
    target.transact(() => target.getXmlFragment(sectionField).insert(0, cloneBlocks(source.getXmlFragment(sectionField))));
    expect(findTooDeepInDoc(target)).toBeNull();
    expect(sectionText(target)).toBe(text);
    // Cleared from the deepest level up: no RangeError, nothing left, and the deep content is collected.
    clearWithoutRecursion(source, source.getXmlFragment(sectionField));
    expect(source.getXmlFragment(sectionField).length).toBe(0);
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(source));
    expect(reloaded.getXmlFragment(sectionField).length).toBe(0);
    source.destroy();
    target.destroy();
    reloaded.destroy();
  });
});
