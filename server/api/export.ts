import { Hono } from 'hono';
import { exportQuerySchema, type ExportFormat } from '../../shared/schemas/export';
import type { AppEnv } from '../app-env';
import { exportProposal } from '../commands/export-proposal';
import { exportFileName, readSectionDocs } from '../export/export-source';
import { preflight } from '../export/preflight';
import { proposalMember } from './member-loader';

const contentTypes: Record<ExportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266). */
function attachment(fileName: string): string {
  return `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Export of a whole proposal as DOCX, Markdown or print-ready HTML, and its preflight. 404 for unknown ids and non-members. */
export function exportRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/proposals/:id/export/preflight', proposalMember({ action: 'proposal.export' }), async (c) => {
    const { proposal } = c.var.member;
    const ctx = c.get('ctx');
    // The logs are read here; the documents are counted on the work pool.
    const counted = await ctx.work.admit('history', async () => {
      const sections = await readSectionDocs(ctx.db, proposal.id);
      const chars = await ctx.work.run({ kind: 'section-chars', stored: sections.map((s) => s.stored) });
      return sections.map(({ stored: _, ...s }, i) => ({ ...s, chars: chars[i] ?? 0 }));
    });
    return c.json(preflight(counted));
  });

  r.get('/proposals/:id/export', proposalMember({ action: 'proposal.export', query: exportQuerySchema }), async (c) => {
    const { format, notes } = c.req.valid('query');
    const { proposal } = c.var.member;
    const body = await exportProposal(c.get('ctx'), c.var.member, { format, notes: notes === '1' });
    c.header('Content-Type', contentTypes[format]);
    c.header('Content-Disposition', attachment(exportFileName(proposal.title, format)));
    c.header('Cache-Control', 'private, no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(body);
  });

  return r;
}
