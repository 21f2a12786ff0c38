import * as Y from 'yjs';
import type { TextBlock } from '../../shared/schemas/history';
import { fragmentName, inlineText, isTextBlock } from '../section-text';

/**
 * A section's content as plain text blocks for read-only views of snapshots:
 * every block with inline content, in document order, named by its node
 * (`paragraph`, `heading` with its level, `listItem` and `tableCell` for
 * paragraphs inside those). Marks are dropped; a hard break is a newline.
 */

const containers: Record<string, string> = { listItem: 'listItem', tableCell: 'tableCell', tableHeader: 'tableCell', blockquote: 'quote' };

export function textBlocksOf(doc: Y.Doc): TextBlock[] {
  const blocks: TextBlock[] = [];
  const visit = (node: Y.XmlFragment | Y.XmlElement, container: string | null) => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlElement) {
        if (isTextBlock(child)) {
          const heading = child.nodeName === 'heading';
          const level = heading ? Number(child.getAttribute('level') ?? 1) || 1 : null;
          const kind = container && child.nodeName === 'paragraph' ? container : child.nodeName;
          blocks.push({ kind, level, text: inlineText(child) });
        } else visit(child, containers[child.nodeName] ?? container);
      } else if (child instanceof Y.XmlText) {
        blocks.push({ kind: 'paragraph', level: null, text: child.toString() });
      }
    }
  };
  visit(doc.getXmlFragment(fragmentName), null);
  return blocks;
}

/** Blocks of a stored state (one encoded update). */
export function textBlocksOfState(state: Uint8Array): TextBlock[] {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return textBlocksOf(doc);
  } finally {
    doc.destroy();
  }
}
