import * as Y from 'yjs';
import type { JSONContent } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editorSchema } from '../../shared/document/editor-schema';
import { sectionField } from '../../shared/document/model';
import { proseMirrorChars } from '../../shared/document/prosemirror-count';
import { boardResponseSchema } from '../../shared/schemas/review';
import { proposalResponseSchema, sectionResponseSchema } from '../../shared/schemas';
import { ApiClient } from '../helpers/http';
import { seedWorkshop, type Workshop } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { stockClient, waitFor } from '../helpers/yclient';

/**
 * The board and the meter through the real server: blockers are codes with
 * parameters (BRD1, BRD2), an empty section's meter is 0 (MTR2), and the
 * editor's live count equals the server's stored count for a document with
 * every structure the editor makes (MTR8).
 */

let server: TestServer;
let w: Workshop;

beforeAll(async () => {
  server = await startTestServer();
  w = await seedWorkshop(server);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const t = (text: string, marks?: { type: string }[]): JSONContent => (marks ? { type: 'text', text, marks } : { type: 'text', text });
const p = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content });
const li = (...content: JSONContent[]): JSONContent => ({ type: 'listItem', content });
const cell = (type: 'tableCell' | 'tableHeader', ...content: JSONContent[]): JSONContent => ({ type, attrs: { colspan: 1, rowspan: 1, colwidth: null }, content });

/** Headings, hard breaks, rules, nested lists, a table with two-paragraph cells, a quote, code, marks, an emoji. */
const richDoc: JSONContent = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [t('Objectives of the network')] },
    p(t('Bologna and Luleå meet '), t('twice', [{ type: 'bold' }]), { type: 'hardBreak' }, t('a year.')),
    { type: 'horizontalRule' },
    {
      type: 'orderedList',
      attrs: { start: 1, type: null },
      content: [
        li(p(t('First meeting')), { type: 'bulletList', content: [li(p(t('Workshops'))), li(p(t('Visits')), { type: 'bulletList', content: [li(p(t('Town hall')))] })] }),
        li(p(t('Second meeting 🇮🇹')), p(t('In Luleå'))),
      ],
    },
    { type: 'horizontalRule' },
    {
      type: 'table',
      content: [
        { type: 'tableRow', content: [cell('tableHeader', p(t('Event'))), cell('tableHeader', p(t('Month')))] },
        { type: 'tableRow', content: [cell('tableCell', p(t('Kick-off')), p(t('in Bologna'))), cell('tableCell', p(t('March')))] },
        { type: 'tableRow', content: [cell('tableCell', p()), cell('tableCell', p(t('Sept'), { type: 'hardBreak' }, t('ember')))] },
      ],
    },
    { type: 'blockquote', content: [p(t('Citizens first.'))] },
    { type: 'codeBlock', attrs: { language: null }, content: [t('line 1\nline 2')] },
    { type: 'heading', attrs: { level: 3 }, content: [t('Résumé')] },
    p(),
  ],
};

async function storedChars(sectionId: string): Promise<number> {
  const [row] = await server.ctx.db.query<{ chars: number }>(`select char_count as chars from sections where id = $1`, [sectionId]);
  return row?.chars ?? -1;
}

describe('board and meter through the API', () => {
  it('MTR2: an empty section scores 0 through the API, in the proposal and in the section, whatever its status', async () => {
    const proposal = proposalResponseSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}`)).body).proposal;
    for (const s of proposal.sections) expect(s.completeness.score, s.number).toBe(0);
    expect(proposal.completeness.score).toBe(0);
    const target = proposal.sections[5]!;
    for (const status of ['drafting', 'ready_for_review', 'in_review', 'approved'] as const) {
      const res = await w.coordinator.patch(`/api/sections/${target.id}`, { status, ...(status === 'approved' ? { justification: 'An empty section, approved for the test' } : {}) });
      expect(res.status, `${status}: ${JSON.stringify(res.body)}`).toBe(200);
      const section = sectionResponseSchema.parse(res.body).section;
      expect(section.status).toBe(status);
      expect(section.completeness.score).toBe(0);
      expect(section.completeness.parts.every((x) => x.earned === 0)).toBe(true);
    }
  });

  it('MTR8: the editor counter over the editor’s own document equals the server’s stored count (headings, hard breaks, rules, nested lists, tables)', async () => {
    const section = w.proposal.sections.find((s) => s.ownerPartnerId === w.partners.bologna.id)!;
    const schema = editorSchema();
    // The document as the editor writes it into the section's fragment.
    const local = new Y.Doc();
    prosemirrorJSONToYXmlFragment(schema, richDoc, local.getXmlFragment(sectionField));
    // The client's count: the editor's counter over the ProseMirror document the editor builds from that fragment.
    const clientChars = proseMirrorChars(yXmlFragmentToProseMirrorRootNode(local.getXmlFragment(sectionField), schema));
    expect(clientChars).toBeGreaterThan(100);

    const writer = stockClient(server.url, section.id, { cookie: w.coordinator.cookie });
    try {
      await waitFor(() => writer.provider.synced, 10_000, 'writer sync');
      Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(local));
      await waitFor(async () => (await storedChars(section.id)) === clientChars, 10_000, `stored count ${clientChars}`, 50);
    } finally {
      writer.destroy();
      local.destroy();
    }
    // The meter the API sends counts the same characters.
    const fresh = sectionResponseSchema.parse((await w.reviewer.get(`/api/sections/${section.id}`)).body).section;
    const fill = fresh.completeness.parts.find((x) => x.part === 'fill')!;
    expect(fill.reason).toEqual({ kind: 'fill_short', params: { missing: fresh.minChars - clientChars, min: fresh.minChars } });
    expect(fresh.completeness.score).toBeGreaterThan(0);
  });

  it('BRD1, BRD2: the board is a grid of partners × sections, and every blocker is a code with parameters', async () => {
    const res = await w.coordinator.get(`/api/proposals/${w.proposal.id}/board`);
    expect(res.status).toBe(200);
    const board = boardResponseSchema.parse(res.body);
    const proposal = proposalResponseSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}`)).body).proposal;
    expect(board.sections.map((s) => s.sectionId)).toEqual(proposal.sections.map((s) => s.id));
    expect(board.rows.map((r) => [r.name, r.country])).toEqual(proposal.partners.map((x) => [x.name, x.country]));
    // One cell per assignment: every section in exactly one row, its owner's.
    const owners = new Map(board.rows.flatMap((r) => r.cells.map((c) => [c.sectionId, r.partnerId] as const)));
    expect(owners).toEqual(new Map(proposal.sections.map((s) => [s.id, s.ownerPartnerId])));
    for (const r of board.rows) for (const c of r.cells) expect(c.score).toBe(proposal.sections.find((s) => s.id === c.sectionId)?.completeness.score);
    // Blockers: every section not approved, with its status; the call's partner rule (4 partners, 4 countries) is met.
    expect(board.readyToSubmit).toBe(false);
    for (const b of board.blockers) {
      expect(b).not.toHaveProperty('message');
      expect(Object.keys(b).sort()).toEqual(['kind', 'params', 'sectionId']);
    }
    const statusBlockers = board.blockers.filter((b) => b.kind === 'status');
    expect(statusBlockers.map((b) => [b.sectionId, b.params])).toEqual(
      proposal.sections.filter((s) => s.status !== 'approved').map((s) => [s.id, { status: s.status }]),
    );
    expect(board.blockers.some((b) => b.kind === 'partners' || b.kind === 'countries')).toBe(false);
    // A blocked flag and an open thread become blocker codes too.
    const target = proposal.sections[2]!;
    expect((await w.coordinator.patch(`/api/sections/${target.id}`, { blocked: { reason: 'Waiting for the mayor' } })).status).toBe(200);
    expect((await w.reviewer.post(`/api/sections/${target.id}/comments`, { body: 'Which mayor?' })).status).toBe(201);
    const after = boardResponseSchema.parse((await w.coordinator.get(`/api/proposals/${w.proposal.id}/board`)).body);
    expect(after.blockers.filter((b) => b.sectionId === target.id)).toEqual([
      { kind: 'status', sectionId: target.id, params: { status: target.status } },
      { kind: 'blocked', sectionId: target.id, params: { reason: 'Waiting for the mayor' } },
      { kind: 'threads', sectionId: target.id, params: { count: 1 } },
    ]);
    expect((await new ApiClient(server.url).get(`/api/proposals/${w.proposal.id}/board`)).status).toBe(401);
  });
});
