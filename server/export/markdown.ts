import type { Block, Inline, Marks, TableCell } from '../../shared/document/model';
import { sectionHeading, type ExportDocument, type ExportNote } from './export-source';
import { escapeMarkdown, joinLines, longestBacktickRun, prefixLines, splitOuterSpace, type WorkMeter } from './markdown-escape';

/**
 * Markdown (CommonMark + GFM tables and strikethrough). Every piece of text is
 * escaped, so nothing a writer typed can turn into markup or raw HTML.
 */

export { escapeMarkdown, type WorkMeter } from './markdown-escape';

function codeSpan(text: string, meter?: WorkMeter): string {
  const fence = '`'.repeat(longestBacktickRun(text, meter) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function wrap(text: string, marks: Marks, meter?: WorkMeter): string {
  // Emphasis delimiters must hug the text: keep surrounding spaces outside them.
  const { lead, core, trail } = splitOuterSpace(text, meter);
  if (core === '') return joinLines(text, meter);
  let out = marks.code ? codeSpan(core, meter) : joinLines(escapeMarkdown(core, meter), meter);
  if (marks.strike) out = `~~${out}~~`;
  if (marks.italic) out = `*${out}*`;
  if (marks.bold) out = `**${out}**`;
  if (marks.link) out = `[${out}](<${marks.link.replace(/[<>\s]/g, encodeURIComponent)}>)`;
  return `${lead}${out}${trail}`;
}

export function inlinesToMarkdown(inlines: readonly Inline[], meter?: WorkMeter): string {
  let out = '';
  for (const i of inlines) out += i.kind === 'break' ? '\\\n' : wrap(i.text, i.marks, meter);
  return out;
}

function cellText(cell: TableCell, meter?: WorkMeter): string {
  const text = cell.blocks.map((b) => blocksToMarkdown([b], 3, meter)).join(' ');
  if (meter) meter.steps += text.length;
  return text.replace(/\n+/g, ' ').trim();
}

/**
 * A GFM table. The header and delimiter rows span the widest row; a shorter body
 * row is left short (GFM fills it with empty cells), so the output stays as long
 * as the table's cells, however ragged its rows.
 */
function tableToMarkdown(rows: readonly TableCell[][], meter?: WorkMeter): string {
  let width = 1;
  for (const r of rows) if (r.length > width) width = r.length;
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const padded = (cells: string[], fill: string) => {
    while (cells.length < width) cells.push(fill);
    return cells;
  };
  const [head, ...body] = rows;
  const out = [line(padded(head ? head.map((c) => cellText(c, meter)) : [], '')), line(padded([], '---'))];
  for (const r of body) out.push(line(r.map((c) => cellText(c, meter))));
  return out.join('\n');
}

/** Blocks as Markdown; headings inside a section start at `headingBase`. */
export function blocksToMarkdown(blocks: readonly Block[], headingBase: number, meter?: WorkMeter): string {
  const parts: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'paragraph':
        parts.push(inlinesToMarkdown(b.inlines, meter));
        break;
      case 'heading':
        parts.push(`${'#'.repeat(Math.min(6, headingBase + b.level - 1))} ${inlinesToMarkdown(b.inlines, meter)}`);
        break;
      case 'list':
        parts.push(
          b.items
            .map((item, i) => {
              const marker = b.ordered ? `${b.start + i}. ` : '- ';
              return prefixLines(blocksToMarkdown(item, headingBase, meter), ' '.repeat(marker.length), marker, meter);
            })
            .join('\n'),
        );
        break;
      case 'quote':
        parts.push(prefixLines(blocksToMarkdown(b.blocks, headingBase, meter), '> ', '> ', meter));
        break;
      case 'code': {
        const fence = '`'.repeat(Math.max(2, longestBacktickRun(b.text, meter)) + 1);
        parts.push(`${fence}\n${b.text}\n${fence}`);
        break;
      }
      case 'rule':
        parts.push('---');
        break;
      case 'table':
        parts.push(tableToMarkdown(b.rows, meter));
        break;
    }
  }
  return parts.filter((p) => p !== '').join('\n\n');
}

function notesToMarkdown(notes: readonly ExportNote[], first: number, meter?: WorkMeter): string {
  return notes
    .map((n, i) => {
      const quote = n.quote ? ` (on “${joinLines(escapeMarkdown(n.quote, meter), meter)}”)` : '';
      return `${first + i}. **${escapeMarkdown(n.author, meter)}**${quote}: ${joinLines(escapeMarkdown(n.body, meter), meter)}`;
    })
    .join('\n');
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** The proposal as one Markdown file; `meter`, when given, adds up the characters the text scanners examined. */
export function renderMarkdown(doc: ExportDocument, meter?: WorkMeter): string {
  const esc = (text: string) => escapeMarkdown(text, meter);
  const out: string[] = [`# ${esc(doc.title)}`];
  const facts = [
    `**Call:** ${esc(doc.call)}`,
    ...(doc.theme ? [`**Theme:** ${esc(doc.theme)}`] : []),
    ...(doc.deadline ? [`**Deadline:** ${doc.deadline}`] : []),
    `**Exported:** ${doc.generatedAt.toISOString().slice(0, 10)}`,
  ];
  out.push(facts.join('  \n'));
  out.push('## Partners');
  out.push(
    [
      row(['Organisation', 'Town', 'Country', 'Role']),
      row(['---', '---', '---', '---']),
      ...doc.partners.map((p) => row([esc(p.name), esc(p.town), esc(`${p.countryName} (${p.country})`), p.role])),
    ].join('\n'),
  );
  let noteNumber = 1;
  for (const s of doc.sections) {
    out.push(`## ${esc(sectionHeading(s))}`);
    const body = blocksToMarkdown(s.blocks, 3, meter);
    if (body) out.push(body);
    const notes = doc.notes?.filter((n) => n.sectionId === s.id) ?? [];
    if (notes.length > 0) {
      out.push('**Open comments**');
      out.push(notesToMarkdown(notes, noteNumber, meter));
      noteNumber += notes.length;
    }
  }
  return out.join('\n\n') + '\n';
}
