import { rollUpProposal } from '../shared/completeness';
import type {
  AuditEvent,
  Invitation,
  Member,
  Partner,
  Proposal,
  ProposalSummary,
  Section,
} from '../shared/schemas/domain';
import { findTemplate } from '../shared/templates';
import type { AuditRow } from './db/audit';
import type { InvitationListRow, InvitationRow } from './db/invitations';
import type { MemberRow } from './db/members';
import type { PartnerRow } from './db/partners';
import type { ProposalRow, ProposalSummaryRow } from './db/proposals';
import type { SectionRow } from './db/sections';
import { abilitiesFor, type Actor } from './policy';
import { sectionScore } from './section-stats';
import type { VerdictRow } from '../shared/schemas/verdicts';

/** Row → JSON allowlists. Nothing leaves the server except through these. */

export function presentPartner(p: PartnerRow): Partner {
  return { id: p.id, name: p.name, town: p.town, country: p.country, kind: p.kind, isLead: p.isLead };
}

export function presentMember(m: MemberRow): Member {
  return { userId: m.userId, name: m.name, email: m.email, role: m.role, partnerId: m.partnerId };
}

/** A section's stored text statistics (sections.char_count) and open threads; see loadSectionStats in section-stats.ts. */
export interface SectionStats {
  chars: number;
  openThreads: number;
  /** Members' verdicts on the section (server/db/verdicts.ts); none when omitted. */
  verdicts?: readonly VerdictRow[];
}

/**
 * Section text lives in the collab rooms; the meter uses the stored character
 * count the server recomputes after edits (0 when the caller passes none).
 * Over maxChars, the meter's `fill` item says by how much.
 */
export function presentSection(s: SectionRow, actor: Actor, { openThreads, chars, verdicts = [] }: SectionStats): Section {
  return {
    id: s.id,
    proposalId: s.proposalId,
    key: s.key,
    number: s.number,
    position: s.position,
    title: s.title,
    criterion: s.criterion,
    guidance: s.guidance,
    checklist: s.checklist,
    requiredItems: s.requiredItems,
    itemsPresent: s.itemsPresent,
    ownerPartnerId: s.ownerPartnerId,
    status: s.status,
    blockedReason: s.blockedReason,
    notApplicableReason: s.notApplicableReason,
    changesRequestedReason: s.changesRequestedReason,
    minChars: s.minChars,
    maxChars: s.maxChars,
    dueDate: s.dueDate,
    completeness: sectionScore(s, chars, openThreads),
    abilities: abilitiesFor(actor, { ownerPartnerId: s.ownerPartnerId, status: s.status }),
    verdicts: [...verdicts],
  };
}

export function presentProposal(
  p: ProposalRow,
  parts: {
    partners: PartnerRow[];
    members: MemberRow[];
    sections: SectionRow[];
    stats: ReadonlyMap<string, SectionStats>;
    verdicts?: ReadonlyMap<string, readonly VerdictRow[]>;
  },
  actor: Actor,
): Proposal {
  const template = findTemplate(p.templateId);
  const statsOf = (id: string): SectionStats => parts.stats.get(id) ?? { chars: 0, openThreads: 0 };
  const sections = parts.sections.map((s) => presentSection(s, actor, { ...statsOf(s.id), verdicts: parts.verdicts?.get(s.id) ?? [] }));
  const rules = template?.rules ?? { minPartners: 0, minCountries: 0, pageLimit: 0 };
  const rollUp = rollUpProposal(
    sections.map((s) => ({ criterion: s.criterion, score: s.completeness.score, chars: s.notApplicableReason === null ? statsOf(s.id).chars : 0 })),
    rules.pageLimit,
  );
  return {
    id: p.id,
    title: p.title,
    templateId: p.templateId,
    theme: p.theme,
    deadline: p.deadline,
    language: p.language,
    partners: parts.partners.map(presentPartner),
    members: parts.members.map(presentMember),
    sections,
    completeness: rollUp,
    callRules: { ...rules },
    themes: (template?.themes ?? []).map((t) => ({ id: t.id })),
    abilities: abilitiesFor(actor),
  };
}

export function presentProposalSummary(p: ProposalSummaryRow): ProposalSummary {
  return {
    id: p.id,
    title: p.title,
    templateId: p.templateId,
    theme: p.theme,
    deadline: p.deadline,
    language: p.language,
    role: p.role,
    createdAt: p.createdAt.toISOString(),
  };
}

/** A link is used up once as many people joined as it allows; else revoked, expired or pending (TEAM3). */
export function invitationState(i: InvitationRow, now: Date): Invitation['state'] {
  if (i.uses >= i.maxUses) return 'used_up';
  if (i.revokedAt) return 'revoked';
  if (i.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

export function presentInvitation(i: InvitationListRow, now: Date): Invitation {
  return {
    id: i.id,
    partnerId: i.partnerId,
    role: i.role,
    state: invitationState(i, now),
    createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    acceptedBy: i.acceptedBy,
    maxUses: i.maxUses,
    uses: i.uses,
    email: i.email,
    createdByName: i.createdByName,
  };
}

export function presentAuditEvent(a: AuditRow): AuditEvent {
  return {
    id: a.id,
    action: a.action,
    actorId: a.actorId,
    actorName: a.actorName,
    sectionId: a.sectionId,
    data: a.data,
    createdAt: a.createdAt.toISOString(),
  };
}
