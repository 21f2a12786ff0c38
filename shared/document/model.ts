/**
 * The block model of a section's document: what the one reader
 * (read-blocks.ts) makes of the Y.XmlFragment `default` that Tiptap
 * Collaboration writes, and what every consumer reads (character counts, the
 * meter, preflight, exports, history text blocks, the present view).
 *
 * Node and mark names are the editor's schema (editor-schema.ts: StarterKit,
 * Table, TableRow, TableHeader, TableCell).
 */

/** The Yjs field Tiptap Collaboration binds to. */
export const sectionField = 'default';

export interface Marks {
  bold?: true;
  italic?: true;
  strike?: true;
  underline?: true;
  code?: true;
  /** The link target, only for http(s) and mailto addresses. */
  link?: string;
}

export type Inline = { kind: 'text'; text: string; marks: Marks } | { kind: 'break' };

export interface TableCell {
  header: boolean;
  colspan: number;
  rowspan: number;
  blocks: Block[];
}

export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

export type Block =
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'heading'; level: HeadingLevel; inlines: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { kind: 'quote'; blocks: Block[] }
  | { kind: 'code'; text: string }
  | { kind: 'rule' }
  | { kind: 'table'; rows: TableCell[][] };

/** Only addresses a reader can safely follow: http(s) and mailto. Anything else is dropped. */
export function safeHref(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const href = value.trim();
  return /^(https?:\/\/|mailto:)/i.test(href) ? href : undefined;
}

/** The text of inlines; a hard break is a newline. */
export const inlineText = (inlines: readonly Inline[]): string => {
  let out = '';
  for (const i of inlines) out += i.kind === 'break' ? '\n' : i.text;
  return out;
};
