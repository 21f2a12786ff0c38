import JSZip from 'jszip';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import type { Block } from '../../shared/document/model';
import { readSection } from '../../shared/document/read-blocks';
import { blockTexts } from '../../shared/document/text-blocks';
import { docFromLoaded } from '../../server/db/doc-updates';
import { sectionChars } from '../../shared/document/text-blocks';
import { renderDocx } from '../../server/export/docx';
import { exportFileName, type ExportDocument } from '../../server/export/export-source';
import { escapeHtml, renderHtml } from '../../server/export/html';
import { renderMarkdown } from '../../server/export/markdown';
import { fillState, preflight } from '../../server/export/preflight';
import { preflightResponseSchema } from '../../shared/schemas/export';
import { bold, docxParagraphs, expectedTexts, firstOutOfOrder, heading, link, markdownPlain, para, richSection, text, writeTiptap } from './export-content';

function contentOf(content: Parameters<typeof writeTiptap>[1]): { blocks: Block[]; chars: number } {
  const doc = new Y.Doc();
  writeTiptap(doc, content);
  // Through the stored form: an update, read back as the export does.
  const copy = docFromLoaded({ snapshot: null, updates: [Y.encodeStateAsUpdate(doc)] });
  const out = { blocks: readSection(copy), chars: sectionChars(copy) };
  doc.destroy();
  copy.destroy();
  return out;
}

const blocksOf = (content: Parameters<typeof writeTiptap>[1]) => contentOf(content).blocks;

function exportDoc(sections: { number: string; title: string; content: Parameters<typeof writeTiptap>[1] }[]): ExportDocument {
  return {
    title: 'NTT+ <Network> & "Towns"',
    call: 'CERV Network of Towns, Part B (CERV-2025-CITIZENS-TOWN-NT)',
    theme: 'Young people and development',
    deadline: '2026-09-18',
    language: 'en',
    partners: [
      { name: 'Comune di Bologna', town: 'Bologna', country: 'IT', countryName: 'Italy', role: 'Lead partner' },
      { name: 'Luleå kommun', town: 'Luleå', country: 'SE', countryName: 'Sweden', role: 'Partner' },
    ],
    sections: sections.map((s, i) => {
      const { blocks, chars } = contentOf(s.content);
      return { id: `s${i}`, number: s.number, title: s.title, minChars: 10, maxChars: 5000, blocks, chars };
    }),
    notes: null,
    generatedAt: new Date('2026-11-27T12:00:00Z'),
  };
}

describe('EXP: export formats', () => {
  it('EXP1: the reader maps Tiptap content (headings, marks, links, lists, tables, hard breaks) into blocks', () => {
    const blocks = blocksOf([
      heading(3, 'Aims'),
      para(text('Plain '), text('strong', bold), { type: 'hardBreak' }, text('go', link('https://ec.europa.eu'))),
      ...richSection('X').slice(2),
    ]);
    expect(blocks[0]).toEqual({ kind: 'heading', level: 3, inlines: [{ kind: 'text', text: 'Aims', marks: {} }] });
    expect(blocks[1]).toEqual({
      kind: 'paragraph',
      inlines: [
        { kind: 'text', text: 'Plain ', marks: {} },
        { kind: 'text', text: 'strong', marks: { bold: true } },
        { kind: 'break' },
        { kind: 'text', text: 'go', marks: { link: 'https://ec.europa.eu' } },
      ],
    });
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'list', 'list', 'table', 'paragraph']);
    const table = blocks[4];
    expect(table?.kind === 'table' && table.rows.map((r) => r.map((c) => c.header))).toEqual([[true, true], [false, false], [false, false]]);
  });

  it('EXP1: links keep only http(s) and mailto targets; a javascript: link becomes plain text', () => {
    const [p] = blocksOf([para(text('click', link('javascript:alert(1)')), text('mail', link('mailto:a@b.eu')))]);
    expect(p).toEqual({
      kind: 'paragraph',
      inlines: [
        { kind: 'text', text: 'click', marks: {} },
        { kind: 'text', text: 'mail', marks: { link: 'mailto:a@b.eu' } },
      ],
    });
  });

  it('EXP2: the reader sees exactly the text the completeness meter counts, so the preflight and the meter agree', () => {
    const content = [para(text('Luleå ja ')), para(text('a', bold), { type: 'hardBreak' }, text('b')), { type: 'horizontalRule' }, para(text('😀')), ...richSection('Z')];
    const { blocks, chars } = contentOf(content);
    // A rule is not text (DOC3): it adds no block and no character, as in the editor's counter.
    expect(blockTexts(blocks)).toEqual([...expectedTexts(content.slice(0, 2)), ...expectedTexts(content.slice(3))]);
    expect([...blockTexts(blocks).join('\n')].length).toBe(chars);
    expect(contentOf([]).chars).toBe(0);
  });

  it('EXP3: preflight states each section empty, under, ok or over, and warns for all but ok', () => {
    expect([fillState(0, 10, 20), fillState(5, 10, 20), fillState(10, 10, 20), fillState(20, 10, 20), fillState(21, 10, 20)]).toEqual(['empty', 'under', 'ok', 'ok', 'over']);
    const result = preflightResponseSchema.parse(
      preflight([
        { id: 'a', number: '1.1', title: 'A', chars: 0, minChars: 10, maxChars: 20 },
        { id: 'b', number: '1.2', title: 'B', chars: 15, minChars: 10, maxChars: 20 },
        { id: 'c', number: '1.3', title: 'C', chars: 25, minChars: 10, maxChars: 20 },
      ]),
    );
    expect(result.sections.map((s) => [s.state, s.overBy])).toEqual([['empty', 0], ['ok', 0], ['over', 5]]);
    expect(result.warnings.map((w) => [w.sectionId, w.kind])).toEqual([['a', 'empty'], ['c', 'over']]);
    expect(result.warnings[1]).toEqual({ sectionId: 'c', kind: 'over', params: { over: 5, max: 20 } });
    expect(result.totalChars).toBe(40);
  });

  it('EXP4: HTML escapes every piece of text; nothing from a document becomes markup', () => {
    const doc = exportDoc([{ number: '1', title: '<img src=x onerror=alert(1)>', content: [para(text('<script>alert("x")</script> & co', bold))] }]);
    const html = renderHtml(doc);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain(`<strong>${escapeHtml('<script>alert("x")</script> & co')}</strong>`);
    expect(html).toContain('<title>NTT+ &lt;Network&gt; &amp; &quot;Towns&quot;</title>');
    expect(html).toContain('size: A4');
  });

  it('EXP4: Markdown escapes text so it cannot become markup or raw HTML, and keeps bold, italic and links', () => {
    const md = renderMarkdown(exportDoc([{ number: '1', title: 'T', content: [para(text('# not a heading <b>x</b> *y*')), ...richSection('Q')] }]));
    expect(md).toContain('\\# not a heading \\<b\\>x\\</b\\> \\*y\\*');
    expect(md).toContain('**bold words**');
    expect(md).toContain('*italic words*');
    expect(md).toContain('[a link](<https://ec.europa.eu/cerv>)');
    expect(md).toContain('| Town | Event |');
    expect(md).toContain('- Q first bullet');
    expect(md).toContain('1. Q step one');
  });

  it('EXP5: DOCX has the title page, the partner table, then each section heading and its text in order, with bold, italic, links and tables', async () => {
    const sections = [
      { number: '1.1', title: 'Background', content: richSection('Alpha') },
      { number: '1.2', title: 'Needs', content: richSection('Beta') },
    ];
    const zip = await JSZip.loadAsync(await renderDocx(exportDoc(sections)));
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    const paragraphs = docxParagraphs(xml);
    const expected = [
      'NTT+ <Network> & "Towns"',
      'Organisation',
      'Comune di Bologna',
      'Luleå kommun',
      ...sections.flatMap((s) => [`${s.number} ${s.title}`, ...expectedTexts(s.content)]),
    ];
    expect(firstOutOfOrder(paragraphs.join('\n'), expected)).toBeNull();
    expect(xml).toMatch(/<w:b\/>[\s\S]*?<w:t[^>]*>bold words<\/w:t>/);
    expect(xml).toMatch(/<w:i\/>[\s\S]*?<w:t[^>]*>italic words<\/w:t>/);
    expect(xml).toContain('<w:hyperlink');
    expect(xml.match(/<w:tbl>/g)?.length).toBe(3);
    const rels = (await zip.file('word/_rels/document.xml.rels')?.async('string')) ?? '';
    expect(rels).toContain('https://ec.europa.eu/cerv');
  });

  it('EXP5: Markdown has each section heading and its text in order', () => {
    const sections = [
      { number: '1.1', title: 'Background', content: richSection('Alpha') },
      { number: '1.2', title: 'Needs', content: richSection('Beta') },
    ];
    const md = renderMarkdown(exportDoc(sections));
    expect(firstOutOfOrder(markdownPlain(md), sections.flatMap((s) => [`## ${s.number} ${s.title}`, ...expectedTexts(s.content)]))).toBeNull();
  });

  it('EXP6: the file name comes from the title, ASCII only, never empty', () => {
    expect(exportFileName('NTT+ Network of Towns: Luleå & La Coruña', 'docx')).toBe('NTT-Network-of-Towns-Lulea-La-Coruna.docx');
    expect(exportFileName('«»', 'md')).toBe('proposal.md');
  });
});
