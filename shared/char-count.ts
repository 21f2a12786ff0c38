/**
 * "Characters with spaces", as EU forms count them, defined once for the live
 * editor (client) and the stored count (server): the text of every text block
 * (paragraph, heading, list item paragraph, table cell paragraph) in document
 * order, blocks joined by ONE newline, counted in Unicode code points. A newline
 * between blocks counts as one character, like a line break in the form's text
 * box; a hard break inside a block counts as one too. Marks add nothing.
 */
export const blockSeparator = '\n';

/** Code points of `text` (an emoji flag is two, an accented letter one; a lone surrogate one). */
export function countChars(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) continue;
    const next = text.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) {
      n--;
      i++;
    }
  }
  return n;
}

/** Characters with spaces of a section given its text blocks in document order (the same as counting them joined by the separator). */
export function countBlockChars(blocks: readonly string[]): number {
  let n = blocks.length > 0 ? blocks.length - 1 : 0;
  for (const block of blocks) n += countChars(block);
  return n;
}
