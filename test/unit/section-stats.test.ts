import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { countChars } from '../../shared/char-count';
import { encodeAnchorPosition, resolveAnchor } from '../../server/comment-anchors';
import { sectionChars, sectionText } from '../../shared/document/text-blocks';

/** A Tiptap-shaped document: paragraphs, a heading, a bullet list and a table, in the `default` fragment. */
function tiptapDoc(): Y.Doc {
  const doc = new Y.Doc();
  const root = doc.getXmlFragment('default');
  const block = (name: string, text: string, attrs: Record<string, string> = {}) => {
    const el = new Y.XmlElement(name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    const t = new Y.XmlText();
    t.insert(0, text);
    el.insert(0, [t]);
    return el;
  };
  const wrap = (name: string, children: Y.XmlElement[]) => {
    const el = new Y.XmlElement(name);
    el.insert(0, children);
    return el;
  };
  root.insert(0, [
    block('heading', 'Aims', { level: '2' }),
    block('paragraph', 'Towns meet.'),
    wrap('bulletList', [wrap('listItem', [block('paragraph', 'Bologna')]), wrap('listItem', [block('paragraph', 'Luleå')])]),
    wrap('table', [wrap('tableRow', [wrap('tableCell', [block('paragraph', 'A1')]), wrap('tableCell', [block('paragraph', 'B1')])])]),
    new Y.XmlElement('paragraph'),
  ]);
  // Bold text adds no characters.
  const p = root.get(1) as Y.XmlElement;
  (p.get(0) as Y.XmlText).format(0, 5, { bold: true });
  return doc;
}

describe('section text statistics', () => {
  it('REV11: the text is every block (heading, paragraph, list item, table cell) in order, joined by one newline', () => {
    const doc = tiptapDoc();
    expect(sectionText(doc)).toBe('Aims\nTowns meet.\nBologna\nLuleå\nA1\nB1\n');
    doc.destroy();
  });

  it('REV11: characters with spaces count code points, newlines between blocks count one each, marks none', () => {
    const doc = tiptapDoc();
    expect(sectionChars(doc)).toBe('Aims\nTowns meet.\nBologna\nLuleå\nA1\nB1\n'.length);
    expect(countChars('Luleå 🇸🇪')).toBe(8);
    expect(sectionChars(new Y.Doc())).toBe(0);
    doc.destroy();
  });

  it('REV6: an anchor resolves to its text, grows with inserts inside, and detaches when its text is deleted', () => {
    const doc = new Y.Doc();
    const p = new Y.XmlElement('paragraph');
    const t = new Y.XmlText();
    p.insert(0, [t]);
    doc.getXmlFragment('default').insert(0, [new Y.XmlElement('paragraph'), p]);
    t.insert(0, 'one two three');
    const anchor = { start: encodeAnchorPosition(t, 4), end: encodeAnchorPosition(t, 7) };
    expect(resolveAnchor(doc, anchor)).toMatchObject({ detached: false, text: 'two' });
    t.insert(0, 'zero ');
    t.insert(t.length, ' four');
    expect(resolveAnchor(doc, anchor).text).toBe('two');
    t.insert(t.toString().indexOf('two') + 1, 'w');
    expect(resolveAnchor(doc, anchor).text).toBe('twwo');
    t.delete(t.toString().indexOf('twwo'), 4);
    expect(resolveAnchor(doc, anchor).detached).toBe(true);
    expect(resolveAnchor(doc, { start: 'not base64!', end: anchor.end }).detached).toBe(true);
    doc.destroy();
  });

  it('REV6: deleting the anchored paragraph detaches the thread', () => {
    const doc = new Y.Doc();
    const root = doc.getXmlFragment('default');
    const p = new Y.XmlElement('paragraph');
    const t = new Y.XmlText();
    p.insert(0, [t]);
    root.insert(0, [p]);
    t.insert(0, 'gone soon');
    const anchor = { start: encodeAnchorPosition(t, 0), end: encodeAnchorPosition(t, 4) };
    root.delete(0, 1);
    expect(resolveAnchor(doc, anchor).detached).toBe(true);
    doc.destroy();
  });
});
