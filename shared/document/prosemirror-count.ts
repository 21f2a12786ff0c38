import type { Node as PMNode } from '@tiptap/pm/model';
import { countBlockChars } from '../char-count';

/**
 * The editor's live counter, over its ProseMirror document: the same rule as
 * the server's (text-blocks.ts): each textblock is one block, a hard break is
 * a newline, anything that is not a textblock (a rule, a list, a table) holds
 * no text of its own. Iterative, like the server's reader.
 */
export function proseMirrorTextBlocks(doc: PMNode): string[] {
  const blocks: string[] = [];
  const stack: { node: PMNode; i: number }[] = [{ node: doc, i: 0 }];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.i >= f.node.childCount) {
      stack.pop();
      continue;
    }
    const node = f.node.child(f.i++);
    if (node.isTextblock) {
      let text = '';
      node.forEach((child) => {
        if (child.isText) text += child.text ?? '';
        else if (child.type.name === 'hardBreak') text += '\n';
      });
      blocks.push(text);
    } else if (!node.isLeaf) stack.push({ node, i: 0 });
  }
  return blocks;
}

/** Characters with spaces of the editor's document. */
export const proseMirrorChars = (doc: PMNode): number => countBlockChars(proseMirrorTextBlocks(doc));
