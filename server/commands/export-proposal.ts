import type { ExportFormat } from '../../shared/schemas/export';
import type { ServerContext } from '../context';
import { recordAudit } from '../db/audit';
import { listOpenThreadNotes } from '../db/exports';
import type { ProposalRow } from '../db/proposals';
import { readExportSource } from '../export/export-source';
import type { Actor } from '../policy';

/** What the caller asked for: a format, and whether open threads become numbered notes. */
export interface ExportRequest {
  format: ExportFormat;
  notes: boolean;
}

/** The rendered file; the handler names it and sets its headers. */
export type ExportBody = Uint8Array<ArrayBuffer> | string;

/**
 * Exports a proposal the caller may export (the handler authorized it): reads
 * every section's stored log on the main thread, then reads the documents and
 * renders the format on the work pool, then records one `proposal.exported`
 * audit event (format, notes, sections, characters). A render that fails
 * records nothing. At most `maxExportsAtOnce` run on an instance; the next
 * one is refused with 429 before anything is read.
 */
export async function exportProposal(
  ctx: Pick<ServerContext, 'db' | 'work' | 'clock'>,
  by: { proposal: ProposalRow; actor: Actor },
  request: ExportRequest,
): Promise<ExportBody> {
  const { proposal, actor } = by;
  return ctx.work.admit('export', async () => {
    const notes = request.notes ? await listOpenThreadNotes(ctx.db, proposal.id) : null;
    const source = await readExportSource(ctx.db, proposal, { notes, generatedAt: ctx.clock() });
    const { body, sections, chars } = await ctx.work.run({ kind: 'export', format: request.format, source });
    await recordAudit(ctx.db, {
      proposalId: proposal.id,
      actorId: actor.userId,
      action: 'proposal.exported',
      data: { format: request.format, notes: notes !== null, sections, chars },
    });
    return typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>);
  });
}
