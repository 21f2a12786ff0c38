import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  FootnoteReferenceRun,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
  type ILevelsOptions,
  type INumberingOptions,
  type ParagraphChild,
} from 'docx';
import type { Block, Inline, TableCell as CellModel } from '../../shared/document/model';
import { sectionHeading, type ExportDocument, type ExportNote } from './export-source';

/**
 * DOCX with the `docx` package: a title page, the partner table, then every
 * section in template order with its heading and content. Unresolved comment
 * threads, when asked for, become numbered footnotes on the section heading.
 */

const headingLevels = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6] as const;
const headingFor = (level: number) => headingLevels[Math.max(0, Math.min(5, level - 1))] ?? HeadingLevel.HEADING_6;

/** Word numbering has 9 levels (0-8): lists nested deeper are numbered at the last one. */
const maxListLevel = 8;

/** A4 in twentieths of a point, with 2 cm margins. */
const page = { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } };

/** Collects the numbering definitions a document needs while its blocks are rendered. */
class Lists {
  private readonly starts = new Set<number>();
  private nextInstance = 1;

  ordered(start: number): { reference: string; instance: number } {
    this.starts.add(start);
    return { reference: `ordered-${start}`, instance: this.nextInstance++ };
  }

  bullet(): { reference: string; instance: number } {
    return { reference: 'bullets', instance: this.nextInstance++ };
  }

  options(): INumberingOptions {
    const levels = (format: 'bullet' | 'decimal', start: number): ILevelsOptions[] =>
      Array.from({ length: 9 }, (_, level) => ({
        level,
        format: format === 'bullet' ? LevelFormat.BULLET : LevelFormat.DECIMAL,
        text: format === 'bullet' ? ['•', '◦', '▪'][level % 3] : `%${level + 1}.`,
        start: level === 0 ? start : 1,
        alignment: AlignmentType.LEFT,
        style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
      }));
    return {
      config: [
        { reference: 'bullets', levels: levels('bullet', 1) },
        ...[...this.starts].map((start) => ({ reference: `ordered-${start}`, levels: levels('decimal', start) })),
      ],
    };
  }
}

function runs(inlines: readonly Inline[]): ParagraphChild[] {
  return inlines.map((i): ParagraphChild => {
    if (i.kind === 'break') return new TextRun({ break: 1 });
    const m = i.marks;
    const run = new TextRun({
      text: i.text,
      bold: m.bold ?? false,
      italics: m.italic ?? false,
      strike: m.strike ?? false,
      ...(m.underline || m.link ? { underline: {} } : {}),
      ...(m.code ? { font: 'Consolas' } : {}),
      ...(m.link ? { style: 'Hyperlink' } : {}),
    });
    return m.link ? new ExternalHyperlink({ link: m.link, children: [run] }) : run;
  });
}

const border = { style: BorderStyle.SINGLE, size: 4, color: '777777' };
const borders = { top: border, bottom: border, left: border, right: border };

function renderBlocks(blocks: readonly Block[], lists: Lists, ctx: { headingBase: number; listLevel: number }): FileChild[] {
  const out: FileChild[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'paragraph':
        out.push(new Paragraph({ children: runs(b.inlines), spacing: { after: 120 } }));
        break;
      case 'heading':
        out.push(new Paragraph({ heading: headingFor(ctx.headingBase + b.level - 1), children: runs(b.inlines) }));
        break;
      case 'list': {
        const numbering = b.ordered ? lists.ordered(b.start) : lists.bullet();
        for (const item of b.items) {
          let first = true;
          for (const child of item) {
            if (child.kind === 'paragraph' || child.kind === 'heading') {
              out.push(
                new Paragraph({
                  children: runs(child.inlines),
                  ...(first ? { numbering: { ...numbering, level: Math.min(ctx.listLevel, maxListLevel) } } : { indent: { left: 720 * (ctx.listLevel + 1) } }),
                }),
              );
              first = false;
            } else {
              // A loop, not a spread: a quote in a list item may hold more paragraphs than a call takes arguments.
              for (const x of renderBlocks([child], lists, { ...ctx, listLevel: child.kind === 'list' ? ctx.listLevel + 1 : ctx.listLevel })) out.push(x);
            }
          }
        }
        break;
      }
      case 'quote':
        for (const child of renderBlocks(b.blocks, lists, ctx)) out.push(child);
        break;
      case 'code':
        out.push(
          new Paragraph({
            children: b.text.split('\n').map((line, i) => new TextRun({ text: line, font: 'Consolas', size: 19, ...(i > 0 ? { break: 1 } : {}) })),
            shading: { type: ShadingType.CLEAR, fill: 'F4F4F4', color: 'auto' },
          }),
        );
        break;
      case 'rule':
        out.push(new Paragraph({ children: [], border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '999999', space: 1 } } }));
        break;
      case 'table':
        if (b.rows.length > 0) out.push(renderTable(b.rows, lists, ctx));
        break;
    }
  }
  return out;
}

/**
 * The docx package lays a table out on a grid with one column for every spanned
 * column, so a cell's colspan is bounded: a row's spans add up to at most its widest
 * row's cell count, or 64, whichever is more (real tables are far below; a colspan of
 * 1e9 would allocate a billion grid columns).
 */
function boundedSpans(rows: readonly CellModel[][]): number[][] {
  let widest = 64;
  for (const r of rows) if (r.length > widest) widest = r.length;
  return rows.map((r) => {
    let used = 0;
    return r.map((c, j) => {
      // Room is kept for the cells after this one (one column each at least).
      const span = Math.max(1, Math.min(c.colspan, widest - used - (r.length - j - 1)));
      used += span;
      return span;
    });
  });
}

function renderTable(rows: readonly CellModel[][], lists: Lists, ctx: { headingBase: number; listLevel: number }): Table {
  const spans = boundedSpans(rows);
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: rows.map(
      (r, i) =>
        new TableRow({
          tableHeader: i === 0 && r.every((c) => c.header),
          children: r.map((c, j) => {
            const colspan = spans[i]?.[j] ?? 1;
            const children = renderBlocks(c.blocks, lists, { ...ctx, listLevel: 0 }).filter((x): x is Paragraph | Table => x instanceof Paragraph || x instanceof Table);
            return new TableCell({
              borders,
              children: children.length > 0 ? children : [new Paragraph({})],
              ...(colspan > 1 ? { columnSpan: colspan } : {}),
              ...(c.rowspan > 1 ? { rowSpan: c.rowspan } : {}),
              ...(c.header ? { shading: { type: ShadingType.CLEAR, fill: 'EEEEEE', color: 'auto' } } : {}),
            });
          }),
        }),
    ),
  });
}

function simpleTable(header: string[], body: string[][]): Table {
  const cell = (text: string, head: boolean) =>
    new TableCell({
      borders,
      children: [new Paragraph({ children: [new TextRun({ text, bold: head })] })],
      ...(head ? { shading: { type: ShadingType.CLEAR, fill: 'EEEEEE', color: 'auto' } } : {}),
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }), ...body.map((r) => new TableRow({ children: r.map((t) => cell(t, false)) }))],
  });
}

const noteText = (n: ExportNote) => `${n.author}${n.quote ? ` (on “${n.quote}”)` : ''}: ${n.body}`;

/** The DOCX file of `doc`. */
export async function renderDocx(doc: ExportDocument): Promise<Buffer> {
  const lists = new Lists();
  const facts: [string, string][] = [
    ['Call', doc.call],
    ...(doc.theme ? [['Theme', doc.theme] as [string, string]] : []),
    ...(doc.deadline ? [['Deadline', doc.deadline] as [string, string]] : []),
    ['Exported', doc.generatedAt.toISOString().slice(0, 10)],
  ];
  const titlePage: FileChild[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(doc.title)], spacing: { after: 480 } }),
    ...facts.map(([k, v]) => new Paragraph({ children: [new TextRun({ text: `${k}: `, bold: true }), new TextRun(v)] })),
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun('Partners')], spacing: { before: 480 } }),
    simpleTable(
      ['Organisation', 'Town', 'Country', 'Role'],
      doc.partners.map((p) => [p.name, p.town, `${p.countryName} (${p.country})`, p.role]),
    ),
  ];
  const footnotes: Record<string, { children: Paragraph[] }> = {};
  let nextNote = 1;
  const body: FileChild[] = [];
  doc.sections.forEach((s, i) => {
    const refs: ParagraphChild[] = [];
    for (const n of doc.notes?.filter((x) => x.sectionId === s.id) ?? []) {
      footnotes[String(nextNote)] = { children: [new Paragraph({ children: [new TextRun(noteText(n))] })] };
      refs.push(new FootnoteReferenceRun(nextNote));
      nextNote++;
    }
    body.push(new Paragraph({ heading: HeadingLevel.HEADING_1, pageBreakBefore: i === 0, children: [new TextRun(sectionHeading(s)), ...refs] }));
    for (const x of renderBlocks(s.blocks, lists, { headingBase: 2, listLevel: 0 })) body.push(x);
  });
  const document = new Document({
    title: doc.title,
    creator: 'Twinpad',
    description: doc.call,
    numbering: lists.options(),
    footnotes,
    styles: { default: { document: { run: { font: 'Calibri', size: 22 } } } },
    sections: [{ properties: { page }, children: [...titlePage, ...body] }],
  });
  return Packer.toBuffer(document);
}
