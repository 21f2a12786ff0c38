import type * as Y from 'yjs';
import type { TextBlock } from '../schemas/history';
import { countBlockChars, blockSeparator } from '../char-count';
import { sectionField, inlineText, type Block } from './model';
import { readBlocks } from './read-blocks';

/**
 * Blocks as plain text, for counting (the EU form's "characters with spaces"),
 * read-only views of snapshots and the projector.
 *
 * The counting rule, per node type (test/unit/document-reader.test.ts fixes it
 * row by row, and the editor's counter agrees on every row):
 *   - every text block (paragraph, heading, code block, and those inside list
 *     items, blockquotes and table cells) is one block of text, in document order;
 *   - a hard break is a newline inside its block; marks add nothing;
 *   - a horizontal rule is not text: no block, no character;
 *   - lists, quotes and tables are containers: only their text blocks count;
 *   - blocks are joined by one newline; characters are code points (shared/char-count.ts).
 */

type Container = 'listItem' | 'tableCell' | 'quote' | null;

interface Frame {
  blocks: readonly Block[];
  i: number;
  container: Container;
}

/**
 * Every text block in reading order, with the kind views show it as: `paragraph`
 * (or, inside a container, the nearest one's: `listItem`, `tableCell`, `quote`),
 * `heading` with its level, `codeBlock`. Iterative.
 */
export function textBlocks(blocks: readonly Block[]): TextBlock[] {
  const out: TextBlock[] = [];
  const stack: Frame[] = [{ blocks, i: 0, container: null }];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.i >= f.blocks.length) {
      stack.pop();
      continue;
    }
    const b = f.blocks[f.i++]!;
    switch (b.kind) {
      case 'paragraph':
        out.push({ kind: f.container ?? 'paragraph', level: null, text: inlineText(b.inlines) });
        break;
      case 'heading':
        out.push({ kind: 'heading', level: b.level, text: inlineText(b.inlines) });
        break;
      case 'code':
        out.push({ kind: 'codeBlock', level: null, text: b.text });
        break;
      case 'rule':
        break;
      case 'list':
        for (let i = b.items.length - 1; i >= 0; i--) stack.push({ blocks: b.items[i]!, i: 0, container: 'listItem' });
        break;
      case 'quote':
        stack.push({ blocks: b.blocks, i: 0, container: 'quote' });
        break;
      case 'table': {
        const cells = b.rows.flat();
        for (let i = cells.length - 1; i >= 0; i--) stack.push({ blocks: cells[i]!.blocks, i: 0, container: 'tableCell' });
        break;
      }
      default: {
        const never: never = b;
        return never;
      }
    }
  }
  return out;
}

/** The text of every text block in reading order (what the meter counts, joined by newlines). */
export const blockTexts = (blocks: readonly Block[]): string[] => textBlocks(blocks).map((b) => b.text);

const textOnly = { textOnly: true } as const;

/** The text blocks of a fragment. */
export const fragmentBlocks = (fragment: Y.XmlFragment): TextBlock[] => textBlocks(readBlocks(fragment, textOnly));

/** Characters with spaces of a fragment. */
export const fragmentChars = (fragment: Y.XmlFragment): number => countBlockChars(blockTexts(readBlocks(fragment, textOnly)));

/** The section's plain text: its text blocks joined by newlines. */
export const sectionText = (doc: Y.Doc): string => blockTexts(readBlocks(doc.getXmlFragment(sectionField), textOnly)).join(blockSeparator);

/** Characters with spaces of a section, as the EU form counts them. */
export const sectionChars = (doc: Y.Doc): number => fragmentChars(doc.getXmlFragment(sectionField));
