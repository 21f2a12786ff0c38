import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { commentChunks, shownReason, unsavedPassages, unsavedText } from '../../client/collab/unsaved-words';
import { fragmentBlocks } from '../../shared/document/text-blocks';

/**
 * The words a discarded local copy holds and the server does not: real Yjs
 * documents (a local copy and the server's, forked from one stored state),
 * read with the projector's block reader, as the client does.
 */

function docWith(...paragraphs: string[]): Y.Doc {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment('default');
  fragment.insert(
    0,
    paragraphs.map((text) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(text)]);
      return p;
    }),
  );
  return doc;
}

function fork(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

function paragraphText(doc: Y.Doc, index: number): Y.XmlText {
  const p = doc.getXmlFragment('default').get(index);
  if (!(p instanceof Y.XmlElement)) throw new Error('no paragraph');
  const t = p.get(0);
  if (!(t instanceof Y.XmlText)) throw new Error('no text');
  return t;
}

function appendParagraph(doc: Y.Doc, text: string): void {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [p]);
}

const lost = (local: Y.Doc, server: Y.Doc) => unsavedPassages(fragmentBlocks(local.getXmlFragment('default')), fragmentBlocks(server.getXmlFragment('default')));

describe('unsaved words', () => {
  it('WSH11: nothing is reported when nothing was unsaved (same doc, or only the server moved on)', () => {
    const server = docWith('Young people from four towns.', 'A second paragraph.');
    const local = fork(server);
    expect(lost(local, server)).toEqual([]);
    paragraphText(server, 0).insert(5, ' and old');
    appendParagraph(server, 'Written by someone else.');
    expect(lost(local, server)).toEqual([]);
    // Local deletions the server never got are not words to recover.
    paragraphText(local, 1).delete(0, 2);
    expect(lost(local, server)).toEqual([]);
  });

  it('WSH11: words typed at the end of a paragraph: only the unsaved tail, even mid-word', () => {
    const server = docWith('Saved before the approval.');
    const local = fork(server);
    paragraphText(server, 0).insert(26, ' The owner kee');
    Y.applyUpdate(local, Y.encodeStateAsUpdate(server));
    paragraphText(local, 0).insert(40, 'ps writing this sentence');
    expect(lost(local, server)).toEqual(['ps writing this sentence']);
  });

  it('WSH11: words inserted mid-paragraph, and in a new paragraph, each a passage in document order', () => {
    const server = docWith('Towns share a history.', 'Closing words.');
    const local = fork(server);
    paragraphText(local, 0).insert(11, ' long and proud');
    const fresh = new Y.XmlElement('paragraph');
    fresh.insert(0, [new Y.XmlText('A whole new paragraph.')]);
    local.getXmlFragment('default').insert(1, [fresh]);
    // Which space of the two goes with the words is a tie; the words are not.
    expect(lost(local, server).map((p) => p.trim())).toEqual(['long and proud', 'A whole new paragraph.']);
    expect(unsavedText(lost(local, server))).toBe('long and proud\nA whole new paragraph.');
  });

  it('WSH11: the server moved on concurrently in the same paragraph and elsewhere: only our unsaved words', () => {
    const base = docWith('Young people meet in Bologna.', 'Budget follows.');
    const server = fork(base);
    const local = fork(base);
    paragraphText(server, 0).insert(0, 'From Luleå: ');
    paragraphText(server, 1).insert(15, ' Costs are shared.');
    appendParagraph(server, 'Helsinki adds a paragraph.');
    paragraphText(local, 0).insert(28, ' every spring');
    appendParagraph(local, 'Our own closing line.');
    expect(lost(local, server)).toEqual([' every spring', 'Our own closing line.']);
    // Once the server has them (merged), nothing is lost.
    Y.applyUpdate(server, Y.encodeStateAsUpdate(local));
    expect(lost(local, server)).toEqual([]);
  });

  it('WSH11: a paragraph split by Enter mid-sentence, and empty paragraphs, lose nothing and report no blanks', () => {
    const server = docWith('First half');
    const local = fork(server);
    paragraphText(local, 0).insert(10, ' and more');
    appendParagraph(local, '');
    appendParagraph(local, '   ');
    expect(lost(local, server)).toEqual([' and more']);
  });

  it('WSH11: text over the comment limit is split into comments of at most the limit, nothing dropped', () => {
    const text = `${'word '.repeat(30).trim()}\nshort line\n${'x'.repeat(25)}`;
    const chunks = commentChunks(text, 40);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(40);
    expect(chunks.join(' ').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
    expect(commentChunks('fits', 40)).toEqual(['fits']);
    expect(commentChunks('a\nb', 40)).toEqual(['a\nb']);
  });

  it('WSH11: the notice says why from what the section is now: locked first, then lost rights, else what the connection saw', () => {
    expect(shownReason('refused', { locked: true, canEdit: true })).toBe('locked');
    expect(shownReason('rights-changed', { locked: true, canEdit: false })).toBe('locked');
    expect(shownReason('refused', { locked: false, canEdit: false })).toBe('rights-changed');
    expect(shownReason('refused', { locked: false, canEdit: true })).toBe('refused');
    expect(shownReason('rights-changed', { locked: false, canEdit: true })).toBe('rights-changed');
  });
});
