import { Hono } from 'hono';
import { idParamsSchema } from '../../shared/schemas/domain';
import { exportQuerySchema, type ExportFormat } from '../../shared/schemas/export';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import type { ServerContext } from '../context';
import { recordAudit } from '../db/audit';
import { findProposalById, type ProposalRow } from '../db/proposals';
import { listSections } from '../db/sections';
import { notFound } from '../errors';
import { renderDocx } from '../export/docx';
import { exportFileName, loadExportDocument, loadSectionContent } from '../export/export-source';
import { renderHtml } from '../export/html';
import { renderMarkdown } from '../export/markdown';
import { loadOpenThreadNotes } from '../export/notes';
import { preflight } from '../export/preflight';
import { authorize, loadActor } from '../policy';
import { params, query } from './validate';

const contentTypes: Record<ExportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** The proposal, if the caller may export it: 404 for unknown ids and non-members. */
async function exportable(ctx: ServerContext, userId: string, proposalId: string): Promise<ProposalRow> {
  const proposal = await findProposalById(ctx.db, proposalId);
  if (!proposal) throw notFound('Proposal');
  authorize(await loadActor(ctx.db, userId, proposalId), 'proposal.export');
  return proposal;
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266). */
function attachment(fileName: string): string {
  return `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Export of a whole proposal as DOCX, Markdown or print-ready HTML, and its preflight. */
export function exportRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/proposals/:id/export/preflight', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const ctx = c.get('ctx');
    await exportable(ctx, user.id, id);
    const sections = await listSections(ctx.db, id);
    const counted = [];
    for (const s of sections) counted.push({ ...s, chars: (await loadSectionContent(ctx.db, s.id)).chars });
    return c.json(preflight(counted));
  });

  r.get('/proposals/:id/export', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const q = query(c, exportQuerySchema);
    const ctx = c.get('ctx');
    const proposal = await exportable(ctx, user.id, id);
    const notes = q.notes === '1' ? await loadOpenThreadNotes(ctx.db, id) : null;
    const doc = await loadExportDocument(ctx.db, proposal, { notes });
    const body: Uint8Array | string = q.format === 'docx' ? new Uint8Array(await renderDocx(doc)) : q.format === 'md' ? renderMarkdown(doc) : renderHtml(doc);
    await recordAudit(ctx.db, {
      proposalId: id,
      actorId: user.id,
      action: 'proposal.exported',
      data: { format: q.format, notes: notes !== null, sections: doc.sections.length, chars: doc.sections.reduce((n, s) => n + s.chars, 0) },
    });
    c.header('Content-Type', contentTypes[q.format]);
    c.header('Content-Disposition', attachment(exportFileName(proposal.title, q.format)));
    c.header('Cache-Control', 'private, no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(body as Uint8Array<ArrayBuffer> | string);
  });

  return r;
}
