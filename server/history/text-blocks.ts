import * as Y from 'yjs';
import type { TextBlock } from '../../shared/schemas/history';
import { readSection } from '../../shared/document/read-blocks';
import { textBlocks } from '../../shared/document/text-blocks';

/**
 * A section's content as plain text blocks for read-only views of snapshots,
 * read by the shared reader (shared/document): every text block in document
 * order, named as shared/document/text-blocks.ts says (`paragraph`, `heading`
 * with its level, `codeBlock`; `listItem`, `tableCell` and `quote` for
 * paragraphs inside those). Marks are dropped; a hard break is a newline.
 */

export const textBlocksOf = (doc: Y.Doc): TextBlock[] => textBlocks(readSection(doc, { textOnly: true }));

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
