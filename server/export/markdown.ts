import type { Block, Inline, Marks, TableCell } from '../../shared/document/model';
import { sectionHeading, type ExportDocument, type ExportNote } from './export-source';

/**
 * Markdown (CommonMark + GFM tables and strikethrough). Every piece of text is
 * escaped, so nothing a writer typed can turn into markup or raw HTML.
 */

/** Escapes text so it reads literally; `lineStart` also guards list, heading and quote markers. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~#&]/g, (ch) => `\\${ch}`)
    .replace(/^(\s*)([-+=])/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function wrap(text: string, marks: Marks): string {
  // Emphasis delimiters must hug the text: keep surrounding spaces outside them.
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  const [lead, core, trail] = m ? [m[1] ?? '', m[2] ?? '', m[3] ?? ''] : ['', text, ''];
  if (core === '') return text.replace(/\n/g, ' ');
  let out = marks.code ? codeSpan(core) : escapeMarkdown(core).replace(/\n/g, ' ');
  if (marks.strike) out = `~~${out}~~`;
  if (marks.italic) out = `*${out}*`;
  if (marks.bold) out = `**${out}**`;
  if (marks.link) out = `[${out}](<${marks.link.replace(/[<>\s]/g, encodeURIComponent)}>)`;
  return `${lead}${out}${trail}`;
}

export function inlinesToMarkdown(inlines: readonly Inline[]): string {
  return inlines
    .map((i) => (i.kind === 'break' ? '\\\n' : wrap(i.text, i.marks)))
    .join('');
}

const indent = (text: string, prefix: string, first = prefix) =>
  text
    .split('\n')
    .map((line, i) => (i === 0 ? first : line === '' ? prefix.trimEnd() : prefix) + line)
    .join('\n');

function cellText(cell: TableCell): string {
  return cell.blocks
    .map((b) => blocksToMarkdown([b], 3))
    .join(' ')
    .replace(/\n+/g, ' ')
    .trim();
}

function tableToMarkdown(rows: readonly TableCell[][]): string {
  const width = Math.max(1, ...rows.map((r) => r.length));
  const line = (cells: string[]) => `| ${[...cells, ...Array<string>(width - cells.length).fill('')].join(' | ')} |`;
  const [head, ...body] = rows;
  const headerCells = head ? head.map(cellText) : [];
  return [line(headerCells), line(Array<string>(width).fill('---')), ...body.map((r) => line(r.map(cellText)))].join('\n');
}

/** Blocks as Markdown; headings inside a section start at `headingBase`. */
export function blocksToMarkdown(blocks: readonly Block[], headingBase: number): string {
  const parts: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'paragraph':
        parts.push(inlinesToMarkdown(b.inlines));
        break;
      case 'heading':
        parts.push(`${'#'.repeat(Math.min(6, headingBase + b.level - 1))} ${inlinesToMarkdown(b.inlines)}`);
        break;
      case 'list':
        parts.push(
          b.items
            .map((item, i) => {
              const marker = b.ordered ? `${b.start + i}. ` : '- ';
              return indent(blocksToMarkdown(item, headingBase) || '', ' '.repeat(marker.length), marker);
            })
            .join('\n'),
        );
        break;
      case 'quote':
        parts.push(indent(blocksToMarkdown(b.blocks, headingBase), '> '));
        break;
      case 'code': {
        const longest = Math.max(2, ...[...b.text.matchAll(/`+/g)].map((m) => m[0].length));
        const fence = '`'.repeat(longest + 1);
        parts.push(`${fence}\n${b.text}\n${fence}`);
        break;
      }
      case 'rule':
        parts.push('---');
        break;
      case 'table':
        parts.push(tableToMarkdown(b.rows));
        break;
    }
  }
  return parts.filter((p) => p !== '').join('\n\n');
}

function notesToMarkdown(notes: readonly ExportNote[], first: number): string {
  return notes
    .map((n, i) => {
      const quote = n.quote ? ` (on “${escapeMarkdown(n.quote).replace(/\n/g, ' ')}”)` : '';
      return `${first + i}. **${escapeMarkdown(n.author)}**${quote}: ${escapeMarkdown(n.body).replace(/\n/g, ' ')}`;
    })
    .join('\n');
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

export function renderMarkdown(doc: ExportDocument): string {
  const out: string[] = [`# ${escapeMarkdown(doc.title)}`];
  const facts = [
    `**Call:** ${escapeMarkdown(doc.call)}`,
    ...(doc.theme ? [`**Theme:** ${escapeMarkdown(doc.theme)}`] : []),
    ...(doc.deadline ? [`**Deadline:** ${doc.deadline}`] : []),
    `**Exported:** ${doc.generatedAt.toISOString().slice(0, 10)}`,
  ];
  out.push(facts.join('  \n'));
  out.push('## Partners');
  out.push(
    [
      row(['Organisation', 'Town', 'Country', 'Role']),
      row(['---', '---', '---', '---']),
      ...doc.partners.map((p) => row([escapeMarkdown(p.name), escapeMarkdown(p.town), escapeMarkdown(`${p.countryName} (${p.country})`), p.role])),
    ].join('\n'),
  );
  let noteNumber = 1;
  for (const s of doc.sections) {
    out.push(`## ${escapeMarkdown(sectionHeading(s))}`);
    const body = blocksToMarkdown(s.blocks, 3);
    if (body) out.push(body);
    const notes = doc.notes?.filter((n) => n.sectionId === s.id) ?? [];
    if (notes.length > 0) {
      out.push('**Open comments**');
      out.push(notesToMarkdown(notes, noteNumber));
      noteNumber += notes.length;
    }
  }
  return out.join('\n\n') + '\n';
}
