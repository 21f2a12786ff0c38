/**
 * `node --import tsx bench/export.ts`: how long a DOCX export of a 20-section,
 * 60,000-character proposal takes (issue 7). Builds the proposal in a throwaway
 * PGlite database, with each section's text stored as an editing log of
 * Tiptap-shaped updates, then times what the export route does: read every
 * section from the log, build the model, render and zip the DOCX.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import type { JSONContent } from '@tiptap/core';
import { appendDocUpdates } from '../server/db/doc-updates';
import { migrate } from '../server/db/migrate';
import { insertPartner } from '../server/db/partners';
import { insertProposal } from '../server/db/proposals';
import { insertSection, listSections } from '../server/db/sections';
import { openPGlite } from '../server/db/sql';
import { insertUser } from '../server/db/users';
import { renderDocx } from '../server/export/docx';
import { loadExportDocument } from '../server/export/export-source';
import { renderMarkdown } from '../server/export/markdown';
import { renderHtml } from '../server/export/html';
import { bold, bullets, heading, italic, link, para, table, text, writeTiptap } from '../test/unit/export-content';

const SECTIONS = 20;
const CHARS_PER_SECTION = 3_000;
const RUNS = 7;

const words = 'young people towns partners citizens meeting Bologna Luleå Coruña Helsinki democracy participation employment energy inclusion network'.split(' ');
function sentence(seed: number, length: number): string {
  let s = '';
  for (let i = 0; s.length < length; i++) s += (s ? ' ' : '') + words[(seed * 7 + i * 3) % words.length];
  return s.slice(0, length);
}

/** About CHARS_PER_SECTION characters: a heading, paragraphs with marks and links, a list and a table. */
function sectionContent(n: number): JSONContent[] {
  const blocks: JSONContent[] = [heading(2, `Part ${n}`), bullets(sentence(n, 120), sentence(n + 1, 120), sentence(n + 2, 120)), table(['Town', 'Activity'], ['Bologna', sentence(n, 60)], ['Luleå', sentence(n + 3, 60)])];
  // Heading, list, table cells, and about 15 block-separating newlines (the meter counts them).
  let used = 6 + 360 + 8 + 13 + 60 + 5 + 60 + 15;
  for (let p = 0; used < CHARS_PER_SECTION; p++) {
    const len = Math.min(400, CHARS_PER_SECTION - used);
    const body = sentence(n + p, len);
    const cut = Math.floor(body.length / 3);
    blocks.splice(1 + p, 0, para(text(body.slice(0, cut)), text(body.slice(cut, cut + 20), bold), text(body.slice(cut + 20, cut + 40), italic, link('https://ec.europa.eu')), text(body.slice(cut + 40))));
    used += body.length;
  }
  return blocks;
}

/** The section as an editing log: one update per block typed, as a session in the editor would store it. */
function editingLog(content: JSONContent[]): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let k = 1; k <= content.length; k++) writeTiptap(doc, content.slice(0, k));
  doc.destroy();
  return updates;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'twinpad-export-bench-'));
  const db = await openPGlite(dir);
  try {
    await migrate(db);
    const user = await insertUser(db, { email: 'bench@example.org', name: 'Bench', passwordHash: 'x', locale: 'en', color: '#336699' });
    if (!user) throw new Error('no user');
    const proposal = await insertProposal(db, { title: 'Export bench', templateId: 'cerv-network-of-towns', theme: null, deadline: null, language: 'en', createdBy: user.id });
    const lead = await insertPartner(db, { proposalId: proposal.id, name: 'Comune di Bologna', town: 'Bologna', country: 'IT', kind: 'municipality', isLead: true });
    for (const [town, country] of [['Luleå', 'SE'], ['La Coruña', 'ES'], ['Helsinki', 'FI']] as const) {
      await insertPartner(db, { proposalId: proposal.id, name: `${town} town`, town, country, kind: 'municipality', isLead: false });
    }
    for (let i = 0; i < SECTIONS; i++) {
      await insertSection(db, { proposalId: proposal.id, key: `s${i}`, position: i, number: `${i + 1}`, title: `Section ${i + 1}`, criterion: 'relevance', guidance: [], requiredItems: [], minChars: 1000, maxChars: 5000, ownerPartnerId: lead.id });
    }
    let rows = 0;
    for (const [i, s] of (await listSections(db, proposal.id)).entries()) {
      const log = editingLog(sectionContent(i));
      rows += log.length;
      await appendDocUpdates(db, log.map((update) => ({ docId: s.id, update, userId: user.id })));
    }

    const times: { docx: number[]; md: number[]; html: number[] } = { docx: [], md: [], html: [] };
    let bytes = 0;
    let chars = 0;
    for (let run = 0; run <= RUNS; run++) {
      let t = performance.now();
      const doc = await loadExportDocument(db, proposal);
      const buf = await renderDocx(doc);
      const docxMs = performance.now() - t;
      t = performance.now();
      renderMarkdown(await loadExportDocument(db, proposal));
      const mdMs = performance.now() - t;
      t = performance.now();
      renderHtml(await loadExportDocument(db, proposal));
      const htmlMs = performance.now() - t;
      if (run === 0) continue; // warm-up
      times.docx.push(docxMs);
      times.md.push(mdMs);
      times.html.push(htmlMs);
      bytes = buf.length;
      chars = doc.sections.reduce((n, s) => n + s.chars, 0);
    }
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
    console.log(`export bench: ${SECTIONS} sections, ${chars.toLocaleString('en-GB')} characters, ${rows} stored updates, PGlite, ${RUNS} runs after a warm-up`);
    console.log(`  DOCX     ${fmt(times.docx)}, ${(bytes / 1024).toFixed(0)} KiB`);
    console.log(`  Markdown ${fmt(times.md)}`);
    console.log(`  HTML     ${fmt(times.html)}`);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
