import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { attributedDiff, clientKey, wordRuns } from '../../server/history/attributed-diff';
import { textBlocksOf } from '../../server/history/text-blocks';

/** A doc with a fixed client id (an "author"), synced from `from`. */
function peer(clientID: number, from?: Y.Doc): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  doc.clientID = clientID;
  if (from) Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
  return doc;
}
const sync = (to: Y.Doc, from: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
const para = (doc: Y.Doc, text: string) => {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  const f = doc.getXmlFragment('default');
  f.insert(f.length, [p]);
};
const textOf = (doc: Y.Doc, i: number) => (doc.getXmlFragment('default').get(i) as Y.XmlElement).get(0) as Y.XmlText;

describe('history: attributed diff (unit)', () => {
  it('HIS9: characters are classified by item id against the snapshot\'s state vector; words with changes become delete old / insert new; counts are exact per author', () => {
    const a = peer(1);
    para(a, 'one two three');
    para(a, 'gone soon');
    textOf(a, 0).delete(0, 4); // deleted BEFORE the snapshot: never shown
    const since = Y.encodeStateAsUpdate(a);
    const b = peer(2, a);
    textOf(b, 0).insert(0, 'zero ');
    textOf(b, 0).delete('zero two'.length, 1); // deletes the space before "three"
    b.getXmlFragment('default').delete(1, 1); // deletes the second paragraph
    para(b, 'brand new');
    const deleter = (id: Y.ID) => (id.client === 1 ? 'u:bob' : null);
    const diff = attributedDiff(since, Y.encodeStateAsUpdate(b), deleter);
    const oldText = diff.runs.filter((r) => r.op !== 'insert').map((r) => r.text).join('');
    const newText = diff.runs.filter((r) => r.op !== 'delete').map((r) => r.text).join('');
    expect(oldText).toBe('two three\ngone soon');
    expect(newText).toBe('zero twothree\nbrand new');
    expect(diff.changed).toBe(true);
    expect(diff.runs).toContainEqual({ op: 'delete', text: '\ngone soon', author: 'u:bob' });
    expect(diff.byAuthor.get(clientKey(2))).toEqual({ inserted: 'zero '.length + '\nbrand new'.length, deleted: 0 });
    expect(diff.byAuthor.get('u:bob')).toEqual({ inserted: 0, deleted: ' '.length + '\ngone soon'.length });
  });

  it('HIS9: an unchanged section gives one same run and no counts; a deleter nobody recorded is null', () => {
    const a = peer(5);
    para(a, 'steady text');
    const s = Y.encodeStateAsUpdate(a);
    expect(attributedDiff(s, s, () => null)).toEqual({ runs: [{ op: 'same', text: 'steady text', author: null }], byAuthor: new Map(), changed: false });
    const b = peer(6, a);
    textOf(b, 0).delete(0, 7);
    const d = attributedDiff(s, Y.encodeStateAsUpdate(b), () => null);
    expect(d.runs).toEqual([{ op: 'delete', text: 'steady ', author: null }, { op: 'same', text: 'text', author: null }]);
    expect(d.byAuthor.get('')).toEqual({ inserted: 0, deleted: 7 });
  });

  it('HIS9: a word changed inside becomes a whole-word replacement attributed to the author of most of its changed characters', () => {
    const same = (ch: string) => ({ ch, op: 'same' as const, author: null });
    const runs = wordRuns([same('c'), { ch: 'a', op: 'delete', author: 'x' }, { ch: 'u', op: 'insert', author: 'y' }, same('t'), same(' '), same('!')]).runs;
    expect(runs).toEqual([
      { op: 'delete', text: 'cat', author: 'x' },
      { op: 'insert', text: 'cut', author: 'y' },
      { op: 'same', text: ' !', author: null },
    ]);
  });

  it('HIS2: a snapshot reads as plain blocks: headings with levels, list items, table cells', () => {
    const doc = new Y.Doc();
    const f = doc.getXmlFragment('default');
    const h = new Y.XmlElement('heading');
    h.setAttribute('level', '2');
    h.insert(0, [new Y.XmlText('Title')]);
    const li = new Y.XmlElement('listItem');
    const lp = new Y.XmlElement('paragraph');
    lp.insert(0, [new Y.XmlText('item')]);
    li.insert(0, [lp]);
    const list = new Y.XmlElement('bulletList');
    list.insert(0, [li]);
    f.insert(0, [h, list]);
    expect(textBlocksOf(doc)).toEqual([
      { kind: 'heading', level: 2, text: 'Title' },
      { kind: 'listItem', level: null, text: 'item' },
    ]);
  });
});
