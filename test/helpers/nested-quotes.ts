import * as Y from 'yjs';
import { sectionField } from '../../shared/document/model';

/** `depth` nested blockquotes, each holding a paragraph `${label} ${level}` before its inner quote, written into the section field in one transaction. */
export function writeNestedQuotes(doc: Y.Doc, depth: number, label = 'level'): void {
  doc.transact(() => {
    let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(sectionField);
    for (let i = 1; i <= depth; i++) {
      const quote = new Y.XmlElement('blockquote');
      parent.insert(parent.length, [quote]);
      const para = new Y.XmlElement('paragraph');
      quote.insert(0, [para]);
      para.insert(0, [new Y.XmlText(`${label} ${i}`)]);
      parent = quote;
    }
  });
}
