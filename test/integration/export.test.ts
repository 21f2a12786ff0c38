import JSZip from 'jszip';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, type Section } from '../../shared/schemas/domain';
import { preflightResponseSchema } from '../../shared/schemas/export';
import { findProposalById } from '../../server/db/proposals';
import type { Sql } from '../../server/db/sql';
import { loadExportDocument, loadSectionContent, loadSectionCounts, sectionReadConcurrency } from '../../server/export/export-source';
import { ApiClient } from '../helpers/http';
import { seedWorkshop, signUp, type Workshop } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { stockClient, typeParagraph, waitFor } from '../helpers/yclient';
import { docxParagraphs, expectedTexts, firstOutOfOrder, markdownPlain, para, richSection, text, writeTiptap } from '../unit/export-content';

/**
 * Export through the real server: section text typed by a stock y-websocket
 * client (Tiptap-shaped content in the `default` fragment), then downloaded.
 */

let server: TestServer;
let w: Workshop;
/** What each section holds, by section id; sections left empty have []. */
const written = new Map<string, ReturnType<typeof richSection>>();

/** Types `content` into a section as `cookie`'s user, and waits until a second client reads it back from the server. */
async function typeInto(sectionId: string, cookie: string | undefined, content: ReturnType<typeof richSection>): Promise<void> {
  const writer = stockClient(server.url, sectionId, { cookie });
  const reader = stockClient(server.url, sectionId, { cookie });
  try {
    await waitFor(() => writer.provider.synced, 10_000, 'writer sync');
    writer.doc.transact(() => writeTiptap(writer.doc, content));
    const want = expectedTexts(content).join('|');
    await waitFor(() => reader.provider.synced && expectedTexts(yToTexts(reader.doc)).join('|') === want, 10_000, 'the server to hold the text');
  } finally {
    writer.destroy();
    reader.destroy();
  }
}

/** A rough view of the reader's fragment for the wait: paragraph-like texts, in order. */
function yToTexts(doc: Y.Doc): ReturnType<typeof richSection> {
  const out: ReturnType<typeof richSection> = [];
  const walk = (el: Y.XmlElement | Y.XmlFragment) => {
    for (const child of el.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue;
      if (child.nodeName === 'paragraph' || child.nodeName === 'heading') {
        const t = child.toArray().map((x) => (x instanceof Y.XmlText ? x.toString().replace(/<[^>]*>/g, '') : '')).join('');
        out.push(para(text(t)));
      } else walk(child);
    }
  };
  walk(doc.getXmlFragment('default'));
  return out;
}

async function download(client: ApiClient, path: string): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
  const res = await fetch(client.baseUrl + path, { headers: client.cookie ? { cookie: client.cookie } : {} });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

const sectionsInOrder = (): Section[] => [...w.proposal.sections].sort((a, b) => a.position - b.position);

beforeAll(async () => {
  server = await startTestServer();
  w = await seedWorkshop(server);
  // Like the demo: most sections drafted, one left empty, each with its own text.
  const sections = sectionsInOrder();
  for (const [i, s] of sections.entries()) {
    const content = i === 3 ? [] : richSection(`S${i}`);
    written.set(s.id, content);
    if (content.length > 0) await typeInto(s.id, w.coordinator.cookie, content);
  }
});

afterAll(async () => {
  await server?.stop();
});

describe('EXP: export API', () => {
  it('EXP7: rejects without a session (401), hides the proposal from non-members and unknown ids (404), and refuses a bad format (400)', async () => {
    const id = w.proposal.id;
    expect((await new ApiClient(server.url).get(`/api/proposals/${id}/export?format=docx`)).status).toBe(401);
    expect((await new ApiClient(server.url).get(`/api/proposals/${id}/export/preflight`)).status).toBe(401);
    const outsider = await signUp(server);
    expect((await outsider.get(`/api/proposals/${id}/export?format=docx`)).status).toBe(404);
    expect((await outsider.get(`/api/proposals/${id}/export/preflight`)).status).toBe(404);
    expect((await w.coordinator.get(`/api/proposals/00000000-0000-4000-8000-000000000000/export?format=md`)).status).toBe(404);
    expect((await w.coordinator.get(`/api/proposals/${id}/export?format=pdf`)).status).toBe(400);
    expect((await w.coordinator.get(`/api/proposals/${id}/export`)).status).toBe(400);
    expect((await w.coordinator.get(`/api/proposals/not-a-uuid/export?format=md`)).status).toBe(400);
  });

  it('EXP8: DOCX of the workshop proposal: word/document.xml has the title, the partners, then every section heading and its text in template order', async () => {
    const res = await download(w.reviewer, `/api/proposals/${w.proposal.id}/export?format=docx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="NTT-Network-of-Towns\.docx"/);
    const zip = await JSZip.loadAsync(res.bytes);
    const paragraphs = docxParagraphs((await zip.file('word/document.xml')?.async('string')) ?? '');
    const expected = [
      w.proposal.title,
      ...[w.partners.bologna, w.partners.lulea, w.partners.laCoruna, w.partners.helsinki].flatMap((p) => [p.name, p.town]),
      ...sectionsInOrder().flatMap((s) => [`${s.number} ${s.title}`, ...expectedTexts(written.get(s.id) ?? [])]),
    ];
    expect(firstOutOfOrder(paragraphs.join('\n'), expected)).toBeNull();
    // Each section heading is its own paragraph.
    for (const s of sectionsInOrder()) expect(paragraphs).toContain(`${s.number} ${s.title}`);
  });

  it('EXP9: Markdown of the workshop proposal has every section heading and its text in template order', async () => {
    const res = await download(w.editors.lulea, `/api/proposals/${w.proposal.id}/export?format=md`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/filename="NTT-Network-of-Towns\.md"/);
    const md = new TextDecoder().decode(res.bytes);
    const expected = [`# ${w.proposal.title}`, ...sectionsInOrder().flatMap((s) => [`## ${s.number} ${s.title}`, ...expectedTexts(written.get(s.id) ?? [])])];
    expect(firstOutOfOrder(markdownPlain(md), expected)).toBeNull();
    expect(md).toContain('**bold words**');
  });

  it('EXP10: HTML is a print-ready A4 page with every section, and no raw HTML from a document', async () => {
    const res = await download(w.coordinator, `/api/proposals/${w.proposal.id}/export?format=html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="NTT-Network-of-Towns\.html"/);
    const html = new TextDecoder().decode(res.bytes);
    expect(html).toContain('@page { size: A4');
    for (const s of sectionsInOrder()) expect(html).toContain(`<h2>${s.number} ${s.title}</h2>`);
    expect(html).not.toMatch(/<script/i);
  });

  it('EXP11: every export writes a proposal.exported audit event with its format', async () => {
    await download(w.reviewer, `/api/proposals/${w.proposal.id}/export?format=md`);
    const res = await w.coordinator.get(`/api/proposals/${w.proposal.id}/audit?limit=50`);
    const events = auditPageSchema.parse(res.body).events.filter((e) => e.action === 'proposal.exported');
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(events[0]?.data).toMatchObject({ format: 'md' });
    expect(events[0]?.actorId).toBe(w.reviewer.user.id);
    expect(new Set(events.map((e) => (e.data as { format?: string }).format))).toEqual(new Set(['docx', 'md', 'html']));
  });

  it('EXP12: the preflight shows each section\'s characters against its limits and warns about empty, short and long sections', async () => {
    const res = await w.reviewer.get(`/api/proposals/${w.proposal.id}/export/preflight`);
    expect(res.status).toBe(200);
    const pre = preflightResponseSchema.parse(res.body);
    const sections = sectionsInOrder();
    expect(pre.sections.map((s) => s.sectionId)).toEqual(sections.map((s) => s.id));
    // The meter's rule (shared/document/text-blocks.ts): text blocks joined by one newline, in code points.
    const richChars = [...expectedTexts(richSection('S1')).join('\n')].length;
    expect(pre.sections[1]?.chars).toBe(richChars);
    expect(pre.sections[3]).toMatchObject({ chars: 0, state: 'empty', overBy: 0 });
    expect(pre.warnings.find((x) => x.sectionId === sections[3]?.id)?.kind).toBe('empty');
    // The template budgets are thousands of characters, so the drafted sections are short.
    expect(pre.sections[1]).toMatchObject({ state: 'under', minChars: sections[1]?.minChars, maxChars: sections[1]?.maxChars });
  });

  it('EXP12: a section over its limit is flagged with how far over it is', async () => {
    const section = sectionsInOrder()[0];
    if (!section) throw new Error('no section');
    const long = 'x'.repeat(section.maxChars + 40);
    const writer = stockClient(server.url, section.id, { cookie: w.coordinator.cookie });
    try {
      await waitFor(() => writer.provider.synced, 10_000, 'writer sync');
      typeParagraph(writer, long);
      const before = [...expectedTexts(written.get(section.id) ?? []).join('\n')].length;
      await waitFor(
        async () => {
          const pre = preflightResponseSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/export/preflight`)).body);
          return pre.sections[0]?.chars === before + 1 + long.length;
        },
        10_000,
        'the long paragraph to be stored',
        50,
      );
    } finally {
      writer.destroy();
    }
    const pre = preflightResponseSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/export/preflight`)).body);
    const row = pre.sections[0];
    expect(row?.state).toBe('over');
    expect(row?.overBy).toBe((row?.chars ?? 0) - section.maxChars);
    expect(pre.warnings.find((x) => x.sectionId === section.id)?.kind).toBe('over');
  });
});

/**
 * The real database, with a count of the document-log reads in flight (each
 * call whose statement reads `doc_updates`, until its promise settles).
 */
function countingLogReads(db: Sql): { db: Sql; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const counted = new Proxy(db, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(typeof args[0] === 'string' && args[0].includes('doc_updates') && result instanceof Promise)) return result;
        inFlight++;
        max = Math.max(max, inFlight);
        return result.finally(() => inFlight--);
      };
    },
  });
  return { db: counted, maxInFlight: () => max };
}

describe('HDL: export reads sections in parallel, boundedly', () => {
  it(`HDL6: an export and a preflight read ${sectionReadConcurrency} sections at once, never more, in template order, with what a one-by-one read gives`, async () => {
    const proposal = await findProposalById(server.database.db, w.proposal.id);
    if (!proposal) throw new Error('no proposal');
    const sequential = [];
    for (const s of sectionsInOrder()) sequential.push({ id: s.id, ...(await loadSectionContent(server.database.db, s.id)) });

    const forExport = countingLogReads(server.database.db);
    const doc = await loadExportDocument(forExport.db, proposal);
    expect(doc.sections.map((s) => ({ id: s.id, blocks: s.blocks, chars: s.chars }))).toEqual(sequential);
    expect(forExport.maxInFlight()).toBe(sectionReadConcurrency);

    const forPreflight = countingLogReads(server.database.db);
    const counts = await loadSectionCounts(forPreflight.db, proposal.id);
    expect(counts.map((s) => [s.id, s.chars])).toEqual(sequential.map((s) => [s.id, s.chars]));
    expect(forPreflight.maxInFlight()).toBe(sectionReadConcurrency);
  });
});
