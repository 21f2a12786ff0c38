/**
 * "Characters with spaces", as EU forms count them, defined once for the live
 * editor (client) and the stored count (server): the text of every text block
 * (paragraph, heading, list item paragraph, table cell paragraph) in document
 * order, blocks joined by ONE newline, counted in Unicode code points. A newline
 * between blocks counts as one character, like a line break in the form's text
 * box; a hard break inside a block counts as one too. Marks add nothing.
 */
export const blockSeparator = '\n';

/** Code points of `text` (an emoji flag is two, an accented letter one). */
export function countChars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Characters with spaces of a section given its text blocks in document order. */
export function countBlockChars(blocks: readonly string[]): number {
  return countChars(blocks.join(blockSeparator));
}
