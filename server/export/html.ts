import type { Block, Inline, TableCell } from '../../shared/document/model';
import { sectionHeading, type ExportDocument, type ExportNote } from './export-source';

/**
 * A print-ready HTML page (A4, to save as PDF from the browser). Every piece of
 * text goes through `escapeHtml`; nothing from a document is ever injected as
 * markup, and links keep only http(s) and mailto targets (shared/document/model.ts).
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

export const printCss = `
@page { size: A4; margin: 22mm 20mm 24mm; }
html { font-family: "Calibri", "Carlito", "Liberation Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4; color: #111; }
body { margin: 0 auto; max-width: 170mm; padding: 12mm 0; }
h1 { font-size: 22pt; margin: 0 0 6mm; }
h2 { font-size: 15pt; margin: 9mm 0 3mm; break-after: avoid; page-break-after: avoid; }
h3, h4, h5, h6 { font-size: 12pt; margin: 5mm 0 2mm; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 2.5mm; orphans: 3; widows: 3; }
.title-page { break-after: page; page-break-after: always; }
.facts { margin: 0 0 8mm; }
.facts dt { font-weight: bold; float: left; clear: left; width: 28mm; }
.facts dd { margin: 0 0 1mm 30mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; break-inside: auto; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.5pt solid #777; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
th { background: #eee; }
blockquote { margin: 0 0 3mm; padding-left: 4mm; border-left: 1mm solid #ccc; color: #333; }
pre { font-family: "Consolas", "Liberation Mono", monospace; font-size: 9.5pt; background: #f4f4f4; padding: 2mm; white-space: pre-wrap; }
code { font-family: "Consolas", "Liberation Mono", monospace; font-size: 0.95em; }
a { color: #1a4f8b; }
.notes { font-size: 9.5pt; color: #333; border-top: 0.5pt solid #aaa; margin-top: 3mm; padding-top: 2mm; }
.empty { color: #888; font-style: italic; }
@media screen { body { padding: 16mm; box-shadow: 0 0 4mm #ccc; margin: 8mm auto; } }
`;

function inlineHtml(i: Inline): string {
  if (i.kind === 'break') return '<br>';
  let out = escapeHtml(i.text);
  const m = i.marks;
  if (m.code) out = `<code>${out}</code>`;
  if (m.strike) out = `<s>${out}</s>`;
  if (m.underline) out = `<u>${out}</u>`;
  if (m.italic) out = `<em>${out}</em>`;
  if (m.bold) out = `<strong>${out}</strong>`;
  if (m.link) out = `<a href="${escapeHtml(m.link)}">${out}</a>`;
  return out;
}

export const inlinesToHtml = (inlines: readonly Inline[]) => inlines.map(inlineHtml).join('');

function cellHtml(cell: TableCell): string {
  const tag = cell.header ? 'th' : 'td';
  const span = (cell.colspan > 1 ? ` colspan="${cell.colspan}"` : '') + (cell.rowspan > 1 ? ` rowspan="${cell.rowspan}"` : '');
  return `<${tag}${span}>${blocksToHtml(cell.blocks, 3)}</${tag}>`;
}

/** Blocks as HTML; headings inside a section start at `headingBase`. */
export function blocksToHtml(blocks: readonly Block[], headingBase: number): string {
  return blocks
    .map((b): string => {
      switch (b.kind) {
        case 'paragraph':
          return `<p>${inlinesToHtml(b.inlines)}</p>`;
        case 'heading': {
          const level = Math.min(6, headingBase + b.level - 1);
          return `<h${level}>${inlinesToHtml(b.inlines)}</h${level}>`;
        }
        case 'list': {
          const items = b.items.map((item) => `<li>${blocksToHtml(item, headingBase)}</li>`).join('');
          return b.ordered ? `<ol${b.start !== 1 ? ` start="${b.start}"` : ''}>${items}</ol>` : `<ul>${items}</ul>`;
        }
        case 'quote':
          return `<blockquote>${blocksToHtml(b.blocks, headingBase)}</blockquote>`;
        case 'code':
          return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
        case 'rule':
          return '<hr>';
        case 'table':
          return `<table><tbody>${b.rows.map((r) => `<tr>${r.map(cellHtml).join('')}</tr>`).join('')}</tbody></table>`;
      }
    })
    .join('\n');
}

function notesHtml(notes: readonly ExportNote[], first: number): string {
  const items = notes
    .map((n) => `<li><strong>${escapeHtml(n.author)}</strong>${n.quote ? ` (on “${escapeHtml(n.quote)}”)` : ''}: ${escapeHtml(n.body)}</li>`)
    .join('');
  return `<div class="notes"><strong>Open comments</strong><ol start="${first}">${items}</ol></div>`;
}

export function renderHtml(doc: ExportDocument): string {
  const facts: [string, string][] = [
    ['Call', doc.call],
    ...(doc.theme ? [['Theme', doc.theme] as [string, string]] : []),
    ...(doc.deadline ? [['Deadline', doc.deadline] as [string, string]] : []),
    ['Exported', doc.generatedAt.toISOString().slice(0, 10)],
  ];
  const partners = doc.partners
    .map((p) => `<tr><td>${escapeHtml(p.name)}</td><td>${escapeHtml(p.town)}</td><td>${escapeHtml(`${p.countryName} (${p.country})`)}</td><td>${p.role}</td></tr>`)
    .join('\n');
  let noteNumber = 1;
  const sections = doc.sections
    .map((s) => {
      const body = s.blocks.length > 0 ? blocksToHtml(s.blocks, 3) : '<p class="empty">(empty)</p>';
      const notes = doc.notes?.filter((n) => n.sectionId === s.id) ?? [];
      const notesPart = notes.length > 0 ? notesHtml(notes, noteNumber) : '';
      noteNumber += notes.length;
      return `<section>\n<h2>${escapeHtml(sectionHeading(s))}</h2>\n${body}${notesPart}\n</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(doc.language)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${printCss}</style>
</head>
<body>
<div class="title-page">
<h1>${escapeHtml(doc.title)}</h1>
<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>
<h2>Partners</h2>
<table><thead><tr><th>Organisation</th><th>Town</th><th>Country</th><th>Role</th></tr></thead>
<tbody>
${partners}
</tbody></table>
</div>
${sections}
</body>
</html>
`;
}
