import type { ExportFormat } from '../../shared/schemas/export';
import { recordAudit } from '../db/audit';
import { listOpenThreadNotes } from '../db/exports';
import type { ProposalRow } from '../db/proposals';
import { renderDocx } from '../export/docx';
import { loadExportDocument, type ExportDocument } from '../export/export-source';
import { renderHtml } from '../export/html';
import { renderMarkdown } from '../export/markdown';
import type { Actor } from '../policy';
import type { CommandContext } from './create-proposal';

/** What the caller asked for: a format, and whether open threads become numbered notes. */
export interface ExportRequest {
  format: ExportFormat;
  notes: boolean;
}

/** The rendered file; the handler names it and sets its headers. */
export type ExportBody = Uint8Array<ArrayBuffer> | string;

async function render(doc: ExportDocument, format: ExportFormat): Promise<ExportBody> {
  switch (format) {
    case 'docx':
      return new Uint8Array(await renderDocx(doc));
    case 'md':
      return renderMarkdown(doc);
    case 'html':
      return renderHtml(doc);
    default: {
      const never: never = format;
      throw new Error(`unknown export format ${String(never)}`);
    }
  }
}

/**
 * Exports a proposal the caller may export (the handler authorized it): reads
 * every section from the log, renders the format, then records one
 * `proposal.exported` audit event (format, notes, sections, characters). A
 * render that fails records nothing.
 */
export async function exportProposal(ctx: CommandContext, by: { proposal: ProposalRow; actor: Actor }, request: ExportRequest): Promise<ExportBody> {
  const { proposal, actor } = by;
  const notes = request.notes ? await listOpenThreadNotes(ctx.db, proposal.id) : null;
  const doc = await loadExportDocument(ctx.db, proposal, { notes });
  const body = await render(doc, request.format);
  await recordAudit(ctx.db, {
    proposalId: proposal.id,
    actorId: actor.userId,
    action: 'proposal.exported',
    data: { format: request.format, notes: notes !== null, sections: doc.sections.length, chars: doc.sections.reduce((n, s) => n + s.chars, 0) },
  });
  return body;
}
