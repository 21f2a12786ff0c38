import * as Y from 'yjs';
import type { TextBlock } from '../../../shared/schemas/history';

/**
 * A section's `default` XmlFragment (as y-tiptap stores Tiptap's document) read
 * as plain text blocks for the projector: every element that holds text is one
 * block; list items and table cells take their kind from the nearest such
 * ancestor; marks are dropped (text only, never markup).
 */

const containerKinds = new Set(['listItem', 'taskItem', 'tableCell', 'tableHeader', 'blockquote']);

function textOf(el: Y.XmlElement): string {
  let out = '';
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText) {
      for (const op of child.toDelta() as { insert?: unknown }[]) if (typeof op.insert === 'string') out += op.insert;
    } else if (child instanceof Y.XmlElement && child.nodeName === 'hardBreak') out += '\n';
  }
  return out;
}

function holdsText(el: Y.XmlElement): boolean {
  return el.toArray().some((c) => c instanceof Y.XmlText);
}

export function fragmentBlocks(fragment: Y.XmlFragment): TextBlock[] {
  const blocks: TextBlock[] = [];
  const walk = (node: Y.XmlElement | Y.XmlFragment, container: string | null) => {
    for (const child of node.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue;
      const name = child.nodeName;
      if (holdsText(child) || name === 'paragraph' || name === 'heading') {
        const level = name === 'heading' ? Number(child.getAttribute('level') ?? 1) : null;
        blocks.push({ kind: name === 'paragraph' && container ? container : name, level: level !== null && Number.isFinite(level) ? level : null, text: textOf(child) });
        continue;
      }
      walk(child, containerKinds.has(name) ? name : container);
    }
  };
  walk(fragment, null);
  return blocks;
}
