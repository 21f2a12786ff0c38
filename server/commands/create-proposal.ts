import { limits } from '../../shared/limits';
import type { CreateProposalInput } from '../../shared/schemas/domain';
import { contentLocale, defaultTemplateId, findTemplate, inLocale } from '../../shared/templates';
import type { ServerContext } from '../context';
import { recordAudit } from '../db/audit';
import { insertMember } from '../db/members';
import { insertPartner } from '../db/partners';
import { lockCount } from '../db/count-lock';
import { insertProposal, membershipCount } from '../db/proposals';
import type { Sql } from '../db/sql';
import { insertSection } from '../db/sections';
import { invalid, refusal } from '../errors';

export type CommandContext = Pick<ServerContext, 'db' | 'events' | 'clock'>;

/**
 * 409 `proposals_limit` once `userId` belongs to `limits.maxProposalsPerUser`
 * proposals (SEC27): creating one and accepting an invitation both join one.
 * Takes the user's count lock, so concurrent joins take turns.
 */
export async function assertRoomForProposal(tx: Sql, userId: string): Promise<void> {
  await lockCount(tx, 'proposals', userId);
  if ((await membershipCount(tx, userId)) >= limits.maxProposalsPerUser) {
    throw refusal('conflict', 'proposals_limit', { limit: limits.maxProposalsPerUser });
  }
}

/**
 * Creates a proposal from a call template in one transaction: the proposal, its
 * lead partner, the caller as coordinator of that partner, and the template's
 * sections in order, each owned by the lead.
 */
export async function createProposal(ctx: CommandContext, userId: string, input: CreateProposalInput): Promise<string> {
  const templateId = input.templateId ?? defaultTemplateId;
  const template = findTemplate(templateId);
  if (!template) throw refusal('invalid_input', 'template_unknown', {}, {}, 'templateId');
  if (input.theme !== undefined && !template.themes.some((t) => t.id === input.theme)) {
    throw refusal('invalid_input', 'theme_unknown', {}, {}, 'theme');
  }

  return ctx.db.transaction(async (tx) => {
    await assertRoomForProposal(tx, userId);
    const proposal = await insertProposal(tx, {
      title: input.title,
      templateId,
      theme: input.theme ?? null,
      deadline: input.deadline ?? null,
      language: input.language ?? 'en',
      createdBy: userId,
    });
    const lead = await insertPartner(tx, {
      proposalId: proposal.id,
      name: input.leadPartner.name,
      town: input.leadPartner.town,
      country: input.leadPartner.country,
      kind: input.leadPartner.kind ?? 'municipality',
      isLead: true,
    });
    await insertMember(tx, { proposalId: proposal.id, userId, partnerId: lead.id, role: 'coordinator' });
    // The sections' texts in the proposal's language (TPL2): one of the five, else English.
    const locale = contentLocale(proposal.language);
    let position = 0;
    for (const s of template.sections) {
      await insertSection(tx, {
        proposalId: proposal.id,
        key: s.key,
        position: position++,
        number: s.number,
        title: inLocale(s.title, locale),
        criterion: s.criterion,
        guidance: s.guidance.map((g) => inLocale(g, locale)),
        requiredItems: (s.requiredItems ?? []).map((r) => ({ key: r.key, label: inLocale(r.label, locale) })),
        minChars: s.minChars,
        maxChars: s.maxChars,
        ownerPartnerId: lead.id,
      });
    }
    await recordAudit(tx, {
      proposalId: proposal.id,
      actorId: userId,
      action: 'proposal.created',
      data: { title: proposal.title, templateId, leadPartnerId: lead.id },
    });
    return proposal.id;
  });
}
