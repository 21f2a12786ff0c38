import type { JSONContent } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { editorSchema as buildEditorSchema } from '../../shared/document/editor-schema';

/**
 * Export test content, written into a section's `default` XmlFragment exactly as
 * the editor would: the editor's own schema (shared/document/editor-schema.ts) mapped to Yjs by @tiptap/y-tiptap, Tiptap Collaboration's binding.
 */

export const editorSchema = buildEditorSchema();

/** Sets `doc`'s `default` fragment to Tiptap JSON content (y-tiptap syncs the fragment to it: existing content is replaced). */
export function writeTiptap(doc: Y.Doc, content: JSONContent[]): void {
  prosemirrorJSONToYXmlFragment(editorSchema, { type: 'doc', content }, doc.getXmlFragment('default'));
}

export const text = (t: string, ...marks: JSONContent['marks'][]): JSONContent => ({ type: 'text', text: t, marks: marks.flat().filter((m) => m !== undefined) });
export const bold = [{ type: 'bold' }];
export const italic = [{ type: 'italic' }];
export const link = (href: string) => [{ type: 'link', attrs: { href } }];
export const para = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content });
export const heading = (level: number, t: string): JSONContent => ({ type: 'heading', attrs: { level }, content: [text(t)] });
export const bullets = (...items: string[]): JSONContent => ({ type: 'bulletList', content: items.map((i) => ({ type: 'listItem', content: [para(text(i))] })) });
export const ordered = (...items: string[]): JSONContent => ({ type: 'orderedList', attrs: { start: 1 }, content: items.map((i) => ({ type: 'listItem', content: [para(text(i))] })) });
export const table = (header: string[], ...rows: string[][]): JSONContent => ({
  type: 'table',
  content: [
    { type: 'tableRow', content: header.map((h) => ({ type: 'tableHeader', content: [para(text(h))] })) },
    ...rows.map((r) => ({ type: 'tableRow', content: r.map((c) => ({ type: 'tableCell', content: [para(text(c))] })) })),
  ],
});

/** A section with every construct the export handles. */
export function richSection(tag: string): JSONContent[] {
  return [
    heading(2, `${tag} heading`),
    para(text(`${tag} opens with `), text('bold words', bold), text(', '), text('italic words', italic), text(' and '), text('a link', link('https://ec.europa.eu/cerv')), text('.')),
    bullets(`${tag} first bullet`, `${tag} second bullet`),
    ordered(`${tag} step one`, `${tag} step two`),
    table(['Town', 'Event'], ['Bologna', `${tag} kick-off`], ['Luleå', `${tag} winter school`]),
    para(text(`${tag} closes.`)),
  ];
}

/** The text of every paragraph-like node (paragraph, heading, code block) of Tiptap JSON, in reading order. */
export function expectedTexts(content: readonly JSONContent[]): string[] {
  const out: string[] = [];
  for (const node of content) {
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'codeBlock') {
      out.push((node.content ?? []).map((c) => (c.type === 'hardBreak' ? '\n' : (c.text ?? ''))).join(''));
    } else {
      out.push(...expectedTexts(node.content ?? []));
    }
  }
  return out;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => entities[e] ?? _);

/** The text of every `<w:p>` of word/document.xml, one string a paragraph (runs joined, breaks as newlines). */
export function docxParagraphs(documentXml: string): string[] {
  return [...documentXml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) =>
    [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)].map((t) => (t[0] === '<w:br/>' ? '\n' : decodeXml(t[1] ?? ''))).join(''),
  );
}

/** Markdown without its inline markup: what a reader sees. */
export function markdownPlain(md: string): string {
  return md
    .replace(/\[([^\]]*)\]\(<[^>]*>\)/g, '$1')
    .replace(/\*\*|~~/g, '')
    .replace(/(^|[^\\])\*/g, '$1')
    .replace(/\\(.)/g, '$1');
}

/** Asserts that every string of `expected` occurs in `haystack`, in this order; returns the first one missing. */
export function firstOutOfOrder(haystack: string, expected: readonly string[]): string | null {
  let at = 0;
  for (const e of expected) {
    const i = haystack.indexOf(e, at);
    if (i < 0) return e;
    at = i + e.length;
  }
  return null;
}
