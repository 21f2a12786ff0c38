import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { getSchema } from '@tiptap/core';
import type { JSONContent } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { editorSchema } from '../../shared/document/editor-schema';
import { sectionField, type Block } from '../../shared/document/model';
import { readBlocks, readSection } from '../../shared/document/read-blocks';
import { blockTexts, fragmentBlocks, sectionChars, sectionText } from '../../shared/document/text-blocks';
import { documentDepth } from '../../shared/document/traverse';
import { cloneBlocks } from '../../shared/document/clone';
import { offsetAt, textPositions } from '../../shared/document/positions';
import { proseMirrorChars, proseMirrorTextBlocks } from '../../shared/document/prosemirror-count';
import { limits } from '../../shared/limits';
import { countBlockChars, countChars } from '../../shared/char-count';
import { textBlocksOf, textBlocksOfState } from '../../server/history/text-blocks';
import { attributedDiff } from '../../server/history/attributed-diff';
import { encodeAnchorPosition, resolveAnchor } from '../../server/comment-anchors';
import { blocksToMarkdown } from '../../server/export/markdown';
import { blocksToHtml } from '../../server/export/html';
import { editorExtensions } from '../../client/editor/extensions';
import { writeNestedQuotes } from '../helpers/nested-quotes';

/**
 * The per-node-type table (DOC2-DOC5): for every node and mark type the editor's
 * schema allows, a document built as the editor builds it (ProseMirror JSON
 * through @tiptap/y-tiptap into the `default` fragment), the text and the
 * characters with spaces the EU form counts, read by the shared reader, and the
 * same count from the editor's counter over the editor's own ProseMirror node.
 */

const schema = editorSchema();

const t = (text: string, ...marks: { type: string; attrs?: Record<string, unknown> }[]): JSONContent => (marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text });
const p = (...content: JSONContent[]): JSONContent => (content.length > 0 ? { type: 'paragraph', content } : { type: 'paragraph' });
const item = (...content: JSONContent[]): JSONContent => ({ type: 'listItem', content });
const cell = (type: 'tableCell' | 'tableHeader', text: string, attrs: Record<string, unknown> = {}): JSONContent => ({ type, attrs, content: [p(t(text))] });

interface Row {
  /** What the row fixes. */
  name: string;
  /** Node and mark types of the schema the row's document holds (checked against the document). */
  covers: string[];
  content: JSONContent[];
  /** The section's text: text blocks joined by one newline. */
  text: string;
  /** Characters with spaces (code points). */
  chars: number;
  /** The block model, where the row fixes it. */
  blocks?: Block[];
}

const rows: Row[] = [
  { name: 'an empty document has no text', covers: ['doc', 'paragraph'], content: [p()], text: '', chars: 0, blocks: [{ kind: 'paragraph', inlines: [] }] },
  {
    name: 'a paragraph is one block; text counts code points (a flag is two, an accented letter one)',
    covers: ['paragraph', 'text'],
    content: [p(t('Luleå 🇸🇪'))],
    text: 'Luleå 🇸🇪',
    chars: 8,
  },
  { name: 'blocks are joined by one newline; an empty paragraph is an empty block', covers: ['paragraph'], content: [p(t('a')), p(), p(t('b'))], text: 'a\n\nb', chars: 4 },
  {
    name: 'a heading is a block with its level',
    covers: ['heading'],
    content: [{ type: 'heading', attrs: { level: 3 }, content: [t('Aims')] }, p(t('Towns meet.'))],
    text: 'Aims\nTowns meet.',
    chars: 16,
    blocks: [
      { kind: 'heading', level: 3, inlines: [{ kind: 'text', text: 'Aims', marks: {} }] },
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'Towns meet.', marks: {} }] },
    ],
  },
  {
    name: 'a hard break is a newline inside its block and counts one',
    covers: ['hardBreak'],
    content: [p(t('a'), { type: 'hardBreak' }, t('b'))],
    text: 'a\nb',
    chars: 3,
    blocks: [{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'a', marks: {} }, { kind: 'break' }, { kind: 'text', text: 'b', marks: {} }] }],
  },
  {
    name: 'a horizontal rule is not text: no block, no character',
    covers: ['horizontalRule'],
    content: [p(t('before')), { type: 'horizontalRule' }, p(t('after'))],
    text: 'before\nafter',
    chars: 12,
    blocks: [{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'before', marks: {} }] }, { kind: 'rule' }, { kind: 'paragraph', inlines: [{ kind: 'text', text: 'after', marks: {} }] }],
  },
  {
    name: 'a code block is one block; its newlines are text',
    covers: ['codeBlock'],
    content: [{ type: 'codeBlock', attrs: { language: null }, content: [t('let a = 1;\nlet b = 2;')] }],
    text: 'let a = 1;\nlet b = 2;',
    chars: 21,
    blocks: [{ kind: 'code', text: 'let a = 1;\nlet b = 2;' }],
  },
  {
    name: 'a blockquote holds blocks: each counts',
    covers: ['blockquote'],
    content: [{ type: 'blockquote', content: [p(t('Bologna')), p(t('Luleå'))] }],
    text: 'Bologna\nLuleå',
    chars: 13,
  },
  {
    name: 'a bullet list: every paragraph of every item is a block, nested lists too',
    covers: ['bulletList', 'listItem'],
    content: [{ type: 'bulletList', content: [item(p(t('Bologna')), { type: 'bulletList', content: [item(p(t('Centro')))] }), item(p(t('Luleå')))] }],
    text: 'Bologna\nCentro\nLuleå',
    chars: 20,
    blocks: [
      {
        kind: 'list',
        ordered: false,
        start: 1,
        items: [
          [
            { kind: 'paragraph', inlines: [{ kind: 'text', text: 'Bologna', marks: {} }] },
            { kind: 'list', ordered: false, start: 1, items: [[{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'Centro', marks: {} }] }]] },
          ],
          [{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'Luleå', marks: {} }] }],
        ],
      },
    ],
  },
  {
    name: 'an ordered list keeps its start; the number is not text',
    covers: ['orderedList', 'listItem'],
    content: [{ type: 'orderedList', attrs: { start: 3 }, content: [item(p(t('one'))), item(p(t('two')))] }],
    text: 'one\ntwo',
    chars: 7,
    blocks: [
      {
        kind: 'list',
        ordered: true,
        start: 3,
        items: [[{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'one', marks: {} }] }], [{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'two', marks: {} }] }]],
      },
    ],
  },
  {
    name: 'a table: every cell paragraph is a block, header cells first; spans are kept and add nothing',
    covers: ['table', 'tableRow', 'tableHeader', 'tableCell'],
    content: [
      {
        type: 'table',
        content: [
          { type: 'tableRow', content: [cell('tableHeader', 'Town'), cell('tableHeader', 'Event')] },
          { type: 'tableRow', content: [cell('tableCell', 'Bologna', { colspan: 2 })] },
          { type: 'tableRow', content: [cell('tableCell', 'Luleå', { rowspan: 2 }), cell('tableCell', 'kick-off')] },
        ],
      },
    ],
    text: 'Town\nEvent\nBologna\nLuleå\nkick-off',
    chars: 33,
    blocks: [
      {
        kind: 'table',
        rows: [
          [
            { header: true, colspan: 1, rowspan: 1, blocks: [{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'Town', marks: {} }] }] },
            { header: true, colspan: 1, rowspan: 1, blocks: [{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'Event', marks: {} }] }] },
          ],
          [{ header: false, colspan: 2, rowspan: 1, blocks: [{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'Bologna', marks: {} }] }] }],
          [
            { header: false, colspan: 1, rowspan: 2, blocks: [{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'Luleå', marks: {} }] }] },
            { header: false, colspan: 1, rowspan: 1, blocks: [{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'kick-off', marks: {} }] }] },
          ],
        ],
      },
    ],
  },
  {
    name: 'marks add nothing: bold, italic, strike, underline, code',
    covers: ['bold', 'italic', 'strike', 'underline', 'code'],
    content: [p(t('B', { type: 'bold' }), t('I', { type: 'italic' }), t('S', { type: 'strike' }), t('U', { type: 'underline' }), t('C', { type: 'code' }), t('BI', { type: 'bold' }, { type: 'italic' }))],
    text: 'BISUCBI',
    chars: 7,
    blocks: [
      {
        kind: 'paragraph',
        inlines: [
          { kind: 'text', text: 'B', marks: { bold: true } },
          { kind: 'text', text: 'I', marks: { italic: true } },
          { kind: 'text', text: 'S', marks: { strike: true } },
          { kind: 'text', text: 'U', marks: { underline: true } },
          { kind: 'text', text: 'C', marks: { code: true } },
          { kind: 'text', text: 'BI', marks: { bold: true, italic: true } },
        ],
      },
    ],
  },
  {
    name: 'a link adds nothing; only http(s) and mailto addresses are kept',
    covers: ['link'],
    content: [
      p(
        t('eu', { type: 'link', attrs: { href: 'https://ec.europa.eu/cerv' } }),
        t(' '),
        t('mail', { type: 'link', attrs: { href: 'mailto:a@b.eu' } }),
        t(' '),
        t('evil', { type: 'link', attrs: { href: 'javascript:alert(1)' } }),
      ),
    ],
    text: 'eu mail evil',
    chars: 12,
    blocks: [
      {
        kind: 'paragraph',
        inlines: [
          { kind: 'text', text: 'eu', marks: { link: 'https://ec.europa.eu/cerv' } },
          { kind: 'text', text: ' ', marks: {} },
          { kind: 'text', text: 'mail', marks: { link: 'mailto:a@b.eu' } },
          { kind: 'text', text: ' ', marks: {} },
          { kind: 'text', text: 'evil', marks: {} },
        ],
      },
    ],
  },
];

/** Writes `content` as the editor would, and reads back the editor's ProseMirror document of it. */
function editorDoc(content: JSONContent[]): { doc: Y.Doc; pm: PMNode } {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment(sectionField);
  prosemirrorJSONToYXmlFragment(schema, { type: 'doc', content }, fragment);
  const written = Y.encodeStateAsUpdate(doc);
  const pm = yXmlFragmentToProseMirrorRootNode(fragment, schema);
  // y-tiptap deletes from the Yjs document what the schema refuses: nothing may have been refused.
  expect(Y.encodeStateAsUpdate(doc)).toEqual(written);
  return { doc, pm };
}

/** Node and mark type names present in a ProseMirror document. */
function typesIn(pm: PMNode): Set<string> {
  const names = new Set<string>([pm.type.name]);
  pm.descendants((n) => {
    names.add(n.type.name);
    for (const m of n.marks) names.add(m.type.name);
  });
  return names;
}

describe('DOC: one reader of a section document', () => {
  it('DOC2: every node and mark type of the editor schema has a row in the table, and each row holds what it claims', () => {
    const covered = new Set<string>();
    for (const row of rows) {
      const { doc, pm } = editorDoc(row.content);
      const present = typesIn(pm);
      for (const name of row.covers) expect(present.has(name), `${row.name}: ${name}`).toBe(true);
      for (const name of present) covered.add(name);
      doc.destroy();
    }
    const missing = [...Object.keys(schema.nodes), ...Object.keys(schema.marks)].filter((name) => !covered.has(name));
    expect(missing).toEqual([]);
    expect(Object.keys(schema.nodes).length).toBeGreaterThanOrEqual(15);
  });

  describe.each(rows)('DOC3: $name', (row) => {
    it('DOC3, DOC4: the reader gives the row text and count; the editor counter gives the same count', () => {
      const { doc, pm } = editorDoc(row.content);
      expect(sectionText(doc)).toBe(row.text);
      expect(countChars(row.text)).toBe(row.chars);
      expect(sectionChars(doc)).toBe(row.chars);
      expect(proseMirrorChars(pm)).toBe(row.chars);
      if (row.blocks) expect(readSection(doc)).toEqual(row.blocks);
      // Reading without marks (counts, text views) gives the same text blocks as the full read (exports).
      expect(blockTexts(readSection(doc, { textOnly: true }))).toEqual(blockTexts(readSection(doc)));
      // The history and present views see the same text blocks.
      expect(textBlocksOf(doc).map((b) => b.text).join('\n')).toBe(row.text);
      expect(fragmentBlocks(doc.getXmlFragment(sectionField))).toEqual(textBlocksOf(doc));
      doc.destroy();
    });
  });

  it('DOC6: text block kinds name the nearest container: list item, table cell, quote; headings keep their level; a rule is none', () => {
    const { doc } = editorDoc([
      { type: 'heading', attrs: { level: 2 }, content: [t('Aims')] },
      { type: 'bulletList', content: [item(p(t('li')))] },
      { type: 'blockquote', content: [p(t('q')), { type: 'bulletList', content: [item(p(t('q-li')))] }] },
      { type: 'table', content: [{ type: 'tableRow', content: [cell('tableHeader', 'th'), cell('tableCell', 'td')] }] },
      { type: 'horizontalRule' },
      { type: 'codeBlock', content: [t('x')] },
      p(t('end')),
    ]);
    expect(textBlocksOf(doc)).toEqual([
      { kind: 'heading', level: 2, text: 'Aims' },
      { kind: 'listItem', level: null, text: 'li' },
      { kind: 'quote', level: null, text: 'q' },
      { kind: 'listItem', level: null, text: 'q-li' },
      { kind: 'tableCell', level: null, text: 'th' },
      { kind: 'tableCell', level: null, text: 'td' },
      { kind: 'codeBlock', level: null, text: 'x' },
      { kind: 'paragraph', level: null, text: 'end' },
    ]);
    doc.destroy();
  });
});

describe('DOC: a deep document never overflows the stack', () => {
  const depth = 10_000;

  /** `depth` nested blockquotes around one paragraph, built directly with Yjs (as a hostile client could). */
  function deepDoc(): Y.Doc {
    const doc = new Y.Doc();
    doc.transact(() => {
      let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(sectionField);
      for (let i = 0; i < depth; i++) {
        const q = new Y.XmlElement('blockquote');
        parent.insert(0, [q]);
        parent = q;
      }
      const para = new Y.XmlElement('paragraph');
      para.insert(0, [new Y.XmlText('deep')]);
      parent.insert(0, [para]);
    });
    return doc;
  }

  const innermostText = (doc: Y.Doc): Y.XmlText => {
    let el: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(sectionField);
    for (;;) {
      const first: unknown = el.get(0);
      if (first instanceof Y.XmlText) return first;
      el = first as Y.XmlElement;
    }
  };

  it('DOC7: the depth is measured iteratively', () => {
    const doc = deepDoc();
    expect(documentDepth(doc.getXmlFragment(sectionField))).toBe(depth + 1);
    expect(documentDepth(new Y.Doc().getXmlFragment(sectionField))).toBe(0);
    doc.destroy();
  });

  it('DOC8: counting, text blocks, the export model and renderers, history blocks, the present view and the diff read 10,000 nested quotes', () => {
    const doc = deepDoc();
    expect(sectionChars(doc)).toBe(4);
    expect(sectionText(doc)).toBe('deep');
    expect(textBlocksOf(doc)).toEqual([{ kind: 'quote', level: null, text: 'deep' }]);
    expect(textBlocksOfState(Y.encodeStateAsUpdate(doc))).toEqual([{ kind: 'quote', level: null, text: 'deep' }]);
    expect(fragmentBlocks(doc.getXmlFragment(sectionField))).toEqual([{ kind: 'quote', level: null, text: 'deep' }]);

    // The block tree stops nesting at the limit: what is deeper is read flattened into the last quote.
    const blocks = readSection(doc);
    let nesting = 0;
    let level: Block[] = blocks;
    while (level[0]?.kind === 'quote') {
      nesting++;
      level = level[0].blocks;
    }
    expect(nesting).toBe(limits.maxDocumentDepth);
    expect(level).toEqual([{ kind: 'paragraph', inlines: [{ kind: 'text', text: 'deep', marks: {} }] }]);
    expect(blocksToMarkdown(blocks, 2)).toContain('deep');
    expect(blocksToHtml(blocks, 2)).toContain('deep');

    const empty = new Y.Doc();
    const diff = attributedDiff(Y.encodeStateAsUpdate(empty), Y.encodeStateAsUpdate(doc), () => null);
    expect(diff.runs).toEqual([{ op: 'insert', text: 'deep', author: `c:${doc.clientID}` }]);
    empty.destroy();

    const text = innermostText(doc);
    const anchor = { start: encodeAnchorPosition(text, 1), end: encodeAnchorPosition(text, 3) };
    expect(resolveAnchor(doc, anchor)).toEqual({ detached: false, start: 1, end: 3, text: 'ee' });
    doc.destroy();
  });

  it('DOC9: the editor counter reads a 10,000-deep ProseMirror document', () => {
    let node = schema.node('paragraph', null, [schema.text('deep')]);
    for (let i = 0; i < depth; i++) node = schema.node('blockquote', null, [node]);
    expect(proseMirrorChars(schema.node('doc', null, [node]))).toBe(4);
  });
});

describe('DOC: a restore copies a deep snapshot without recursion', () => {
  it('DOC15: the blocks of a snapshot 10,000 blockquotes deep are copied iteratively, flattened past the depth limit, with every text in order and attributes kept', () => {
    const source = new Y.Doc();
    source.transact(() => {
      const fragment = source.getXmlFragment(sectionField);
      const heading = new Y.XmlElement('heading');
      heading.setAttribute('level', 2 as unknown as string);
      heading.insert(0, [new Y.XmlText('Above the pit')]);
      fragment.insert(0, [heading]);
      let parent: Y.XmlFragment | Y.XmlElement = fragment;
      for (let i = 0; i < 10_000; i++) {
        const quote = new Y.XmlElement('blockquote');
        parent.insert(parent.length, [quote]);
        parent = quote;
        if (i % 2_500 === 0) {
          const p = new Y.XmlElement('paragraph');
          p.insert(0, [new Y.XmlText(`level ${i + 1}`)]);
          quote.insert(0, [p]);
        }
      }
      const bottom = new Y.XmlElement('paragraph');
      bottom.insert(0, [new Y.XmlText('At the bottom.')]);
      parent.insert(parent.length, [bottom]);
    });
    // Yjs's own clone() recurses once per level: the copy this replaces overflowed.
    const deepest = (): Y.XmlElement => source.getXmlFragment(sectionField).get(1) as Y.XmlElement;
    expect(() => deepest().clone()).toThrow(RangeError);

    const target = new Y.Doc();
    target.transact(() => target.getXmlFragment(sectionField).insert(0, cloneBlocks(source.getXmlFragment(sectionField))));
    const fragment = target.getXmlFragment(sectionField);
    expect(documentDepth(fragment)).toBe(limits.maxDocumentDepth + 1);
    expect(textBlocksOf(target).map((b) => b.text)).toEqual(['Above the pit', 'level 1', 'level 2501', 'level 5001', 'level 7501', 'At the bottom.']);
    expect((fragment.get(0) as Y.XmlElement).getAttribute('level')).toBe(2);
    // Shallow content is copied exactly as Yjs's clone() would.
    const shallow = new Y.Doc();
    shallow.transact(() => shallow.getXmlFragment(sectionField).insert(0, cloneBlocks(target.getXmlFragment(sectionField), 1_000)));
    expect(Y.encodeStateVector(shallow).byteLength).toBeGreaterThan(0);
    expect(shallow.getXmlFragment(sectionField).toJSON()).toBe(fragment.toJSON());
  });
});

describe('DOC: every consumer reads through shared/document', () => {
  const repo = join(__dirname, '..', '..');
  const sources = (dir: string): string[] =>
    readdirSync(join(repo, dir)).flatMap((name) => {
      const path = join(repo, dir, name);
      if (statSync(path).isDirectory()) return sources(relative(repo, path));
      return /\.(ts|tsx)$/.test(name) ? [relative(repo, path)] : [];
    });

  /** Where reading the XML tree by hand is allowed outside shared/document, and why. */
  const allowed: Record<string, string> = {
    'server/history/attributed-diff.ts': "reads a text node's character items with their ids (the tree itself through walkXml)",
  };

  it('DOC1: no module outside shared/document walks a section document by hand (children, items, deltas, ProseMirror descendants)', () => {
    const walking = /\.toArray\(\)|\._start\b|\.toDelta\(|instanceof Y\.Xml(Element|Text|Fragment)\b|\.descendants\(|\.nodesBetween\(/;
    const offenders = ['server', 'client', 'shared']
      .flatMap(sources)
      .filter((file) => !file.startsWith('shared/document/') && !(file in allowed))
      .filter((file) => walking.test(readFileSync(join(repo, file), 'utf8')));
    expect(offenders).toEqual([]);
    for (const file of Object.keys(allowed)) expect(walking.test(readFileSync(join(repo, file), 'utf8')), file).toBe(true);
  });

  it('DOC5: the editor is built on the shared schema extensions: its schema has the same nodes and marks, with the same content and attributes', () => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider('ws://127.0.0.1:9', 'doc5', doc, { connect: false, WebSocketPolyfill: WebSocket as never, disableBc: true });
    try {
      const editor = getSchema(editorExtensions({ doc, provider, user: { name: 'A', color: '#000' }, onLinkShortcut: () => undefined }));
      const shape = (sch: typeof schema) => ({
        nodes: Object.fromEntries(Object.entries(sch.nodes).map(([n, t]) => [n, { content: t.spec.content ?? '', attrs: Object.keys(t.spec.attrs ?? {}).sort() }])),
        marks: Object.keys(sch.marks).sort(),
      });
      expect(shape(editor)).toEqual(shape(schema));
    } finally {
      provider.destroy();
      doc.destroy();
    }
  });
});

describe('DOC: marks, unknown nodes and the depth limit', () => {
  it('DOC10: marks are formatting attributes, hashed ones too (overlapping marks); unknown marks and unsafe links are dropped', () => {
    const doc = new Y.Doc();
    const para = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    para.insert(0, [text]);
    doc.getXmlFragment(sectionField).insert(0, [para]);
    text.insert(0, 'ab', { 'bold--a1b2c3d4': true, highlight: { color: 'red' } });
    text.insert(2, 'cd', { 'link--Zz09+/=x': { href: ' https://a.eu ' } });
    text.insert(4, 'ef', { link: { href: 'data:text/html,x' } });
    expect(readSection(doc)).toEqual([
      {
        kind: 'paragraph',
        inlines: [
          { kind: 'text', text: 'ab', marks: { bold: true } },
          { kind: 'text', text: 'cd', marks: { link: 'https://a.eu' } },
          { kind: 'text', text: 'ef', marks: {} },
        ],
      },
    ]);
    expect(sectionChars(doc)).toBe(6);
    doc.destroy();
  });

  it('DOC11: no text is lost to a node the schema does not know: one holding text is a paragraph, one holding blocks is read in place, bare text is a paragraph', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment(sectionField);
    const el = (name: string, ...children: (Y.XmlElement | Y.XmlText)[]) => {
      const e = new Y.XmlElement(name);
      e.insert(0, children);
      return e;
    };
    fragment.insert(0, [
      el('callout', new Y.XmlText('note')),
      el('details', el('paragraph', new Y.XmlText('inside')), el('horizontalRule')),
      new Y.XmlText('bare'),
      el('paragraph', el('mention', new Y.XmlText('@ana')), new Y.XmlText(' hi')),
    ]);
    expect(readSection(doc)).toEqual([
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'note', marks: {} }] },
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'inside', marks: {} }] },
      { kind: 'rule' },
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'bare', marks: {} }] },
      { kind: 'paragraph', inlines: [{ kind: 'text', text: '@ana', marks: {} }, { kind: 'text', text: ' hi', marks: {} }] },
    ]);
    expect(sectionText(doc)).toBe('note\ninside\nbare\n@ana hi');
    doc.destroy();
  });

  it('DOC12: past the depth limit, containers are read flattened in document order; nothing deeper is nested and no text is lost', () => {
    const { doc } = editorDoc([
      { type: 'blockquote', content: [p(t('q1')), { type: 'blockquote', content: [p(t('q2')), { type: 'bulletList', content: [item(p(t('li')), p(t('li2')))] }, p(t('q2b'))] }, p(t('q1b'))] },
      p(t('top')),
    ]);
    const para = (text: string): Block => ({ kind: 'paragraph', inlines: [{ kind: 'text', text, marks: {} }] });
    expect(readBlocks(doc.getXmlFragment(sectionField), { maxDepth: 1 })).toEqual([{ kind: 'quote', blocks: [para('q1'), para('q2'), para('li'), para('li2'), para('q2b'), para('q1b')] }, para('top')]);
    expect(readBlocks(doc.getXmlFragment(sectionField), { maxDepth: 0 })).toEqual(['q1', 'q2', 'li', 'li2', 'q2b', 'q1b', 'top'].map(para));
    expect(sectionText(doc)).toBe('q1\nq2\nli\nli2\nq2b\nq1b\ntop');
    doc.destroy();
  });

  it('DOC12: at exactly the default depth limit every quote stays nested; one level past it, only the extra level is flattened (reader and restore copy alike)', () => {
    /** `depth` nested quotes, each holding a paragraph naming its level before its inner quote. */
    const nested = (depth: number): Y.Doc => {
      const doc = new Y.Doc();
      writeNestedQuotes(doc, depth);
      return doc;
    };
    const quoteNesting = (blocks: Block[]): { nesting: number; innermost: Block[] } => {
      let nesting = 0;
      let level = blocks;
      for (let next = level.find((b) => b.kind === 'quote'); next?.kind === 'quote'; next = level.find((b) => b.kind === 'quote')) {
        nesting++;
        level = next.blocks;
      }
      return { nesting, innermost: level };
    };
    const limit = limits.maxDocumentDepth;
    const atLimit = nested(limit);
    const atRead = quoteNesting(readSection(atLimit));
    expect(atRead.nesting).toBe(limit);
    expect(atRead.innermost).toEqual([{ kind: 'paragraph', inlines: [{ kind: 'text', text: `level ${limit}`, marks: {} }] }]);
    const pastLimit = nested(limit + 1);
    const pastRead = quoteNesting(readSection(pastLimit));
    expect(pastRead.nesting).toBe(limit);
    expect(pastRead.innermost.map((b) => (b.kind === 'paragraph' ? b.inlines.map((i) => (i.kind === 'text' ? i.text : '')).join('') : b.kind))).toEqual([`level ${limit}`, `level ${limit + 1}`]);
    expect(sectionText(pastLimit).split('\n')).toHaveLength(limit + 1);
    // The restore copy keeps the same shape: the limit's levels, and the extra one flattened.
    for (const [source, depth] of [[atLimit, limit + 1], [pastLimit, limit + 1]] as const) {
      const copy = new Y.Doc();
      copy.transact(() => copy.getXmlFragment(sectionField).insert(0, cloneBlocks(source.getXmlFragment(sectionField))));
      expect(documentDepth(copy.getXmlFragment(sectionField))).toBe(depth);
      expect(sectionText(copy)).toBe(sectionText(source));
      copy.destroy();
    }
    atLimit.destroy();
    pastLimit.destroy();
  });

  it('DOC13: the attributed diff sees the same text blocks: a rule inserted between paragraphs adds no text', () => {
    const { doc } = editorDoc([p(t('before')), p(t('after'))]);
    const since = Y.encodeStateAsUpdate(doc);
    const fragment = doc.getXmlFragment(sectionField);
    fragment.insert(1, [new Y.XmlElement('horizontalRule')]);
    const diff = attributedDiff(since, Y.encodeStateAsUpdate(doc), () => null);
    expect(diff.changed).toBe(false);
    expect(diff.runs).toEqual([{ op: 'same', text: 'before\nafter', author: null }]);
    fragment.insert(2, [new Y.XmlElement('paragraph')]);
    const withParagraph = attributedDiff(since, Y.encodeStateAsUpdate(doc), () => null);
    // An empty paragraph is a text block: one inserted newline, by the one who inserted it.
    expect(withParagraph.runs.filter((r) => r.op !== 'delete').map((r) => r.text).join('')).toBe('before\n\nafter');
    expect([...withParagraph.byAuthor]).toEqual([[`c:${doc.clientID}`, { inserted: 1, deleted: 0 }]]);
    doc.destroy();
  });
});

describe('DOC: counting code points', () => {
  it('DOC3: a surrogate pair is one character, a lone surrogate one, blocks add one newline each between them', () => {
    const samples = ['', 'a', 'Luleå 🇸🇪', '😀😀', '\ud83d', 'x\ude00y', '\ud83d\ud83d\ude00'];
    for (const s of samples) expect(countChars(s), JSON.stringify(s)).toBe([...s].length);
    expect(countBlockChars(samples)).toBe([...samples.join('\n')].length);
    expect(countBlockChars([])).toBe(0);
    expect(countBlockChars([''])).toBe(0);
    expect(countBlockChars(['', ''])).toBe(1);
  });
});

describe('DOC: text positions', () => {
  it('DOC14: text positions give each node its span in the linear text (text nodes in order, no separators) and resolve Yjs positions in text, elements and the fragment', () => {
    const { doc } = editorDoc([p(t('ab')), { type: 'bulletList', content: [item(p(t('cd')))] }, { type: 'horizontalRule' }, p(t('ef'))]);
    const fragment = doc.getXmlFragment(sectionField);
    const pos = textPositions(fragment);
    expect(pos.text).toBe('abcdef');
    const [first, list, rule, last] = fragment.toArray() as Y.XmlElement[];
    const cd = ((list!.get(0) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    expect([pos.start.get(list!), pos.end.get(list!)]).toEqual([2, 4]);
    expect(offsetAt(pos, cd, 1)).toBe(3);
    expect(offsetAt(pos, cd, 99)).toBe(4);
    expect(offsetAt(pos, fragment, 0)).toBe(0);
    expect(offsetAt(pos, fragment, 2)).toBe(4); // before the rule
    expect(offsetAt(pos, fragment, 3)).toBe(4); // before the last paragraph
    expect(offsetAt(pos, fragment, 4)).toBe(6); // past the end
    expect(offsetAt(pos, first!, 1)).toBe(2);
    expect([pos.start.get(rule!), pos.end.get(rule!), pos.start.get(last!)]).toEqual([4, 4, 4]);
    expect(offsetAt(pos, new Y.XmlText('elsewhere'), 0)).toBeNull();
    doc.destroy();
  });
});

describe('DOC: editor and server agree on any document the editor can hold', () => {
  /** A seeded generator of editor documents: every node type, nested a few levels, marks and breaks mixed in. */
  function randomContent(seed: number): JSONContent[] {
    let state = seed >>> 0;
    const rand = () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const markTypes = ['bold', 'italic', 'strike', 'underline', 'code', 'link'];
    const inline = (): JSONContent[] => {
      const out: JSONContent[] = [];
      const n = Math.floor(rand() * 4);
      for (let i = 0; i < n; i++) {
        if (rand() < 0.2) out.push({ type: 'hardBreak' });
        else {
          const marks = markTypes.filter(() => rand() < 0.2).map((type) => (type === 'link' ? { type, attrs: { href: pick(['https://a.eu', 'javascript:x']) } } : { type }));
          out.push(t(pick(['Luleå', ' ', 'ja 🇸🇪', 'a b', '😀', 'x\ny', 'Bologna']), ...marks.filter((m) => m.type !== 'code' || marks.length === 1)));
        }
      }
      return out;
    };
    const block = (depth: number): JSONContent => {
      const kinds = depth < 3 ? ['p', 'p', 'h', 'code', 'rule', 'quote', 'bullets', 'ordered', 'table'] : ['p', 'h', 'code', 'rule'];
      switch (pick(kinds)) {
        case 'h':
          return { type: 'heading', attrs: { level: 1 + Math.floor(rand() * 6) }, content: inline().filter((c) => c.type !== 'hardBreak' || rand() < 0.5) };
        case 'code':
          return { type: 'codeBlock', content: rand() < 0.8 ? [t(pick(['x = 1', 'a\nb', ' ']))] : [] };
        case 'rule':
          return { type: 'horizontalRule' };
        case 'quote':
          return { type: 'blockquote', content: blocks(depth + 1) };
        case 'bullets':
        case 'ordered':
          return { type: rand() < 0.5 ? 'bulletList' : 'orderedList', content: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => item(p(...inline()), ...(rand() < 0.4 ? blocks(depth + 1) : []))) };
        case 'table':
          return {
            type: 'table',
            content: Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, r) => ({
              type: 'tableRow',
              content: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({ type: r === 0 ? 'tableHeader' : 'tableCell', content: blocks(depth + 1) })),
            })),
          };
        default:
          return p(...inline());
      }
    };
    const blocks = (depth: number): JSONContent[] => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => block(depth));
    return blocks(0);
  }

  it('DOC4: on 300 seeded random documents, the server text blocks and count equal the editor counter over the same document', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const content = randomContent(seed);
      const { doc, pm } = editorDoc(content);
      pm.check();
      expect(sectionText(doc), `seed ${seed}`).toBe(proseMirrorTextBlocks(pm).join('\n'));
      expect(sectionChars(doc), `seed ${seed}`).toBe(proseMirrorChars(pm));
      expect(blockTexts(readSection(doc)), `seed ${seed}`).toEqual(proseMirrorTextBlocks(pm));
      doc.destroy();
    }
  });
});
