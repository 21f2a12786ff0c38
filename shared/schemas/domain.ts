import { z } from 'zod';
import { limits } from '../limits';
import { countrySchema, idSchema, lineTextSchema, multilineTextSchema, optionalLineTextSchema, roleSchema, sectionStatusSchema } from './common';
import { nextCursorSchema } from './page';
import { completenessSchema } from './completeness';
import { verdictRowSchema } from './verdicts';

// Invitation links live in ./invitations.ts; re-exported here so older imports keep working.
export * from './invitations';

/**
 * Requests and responses of the domain API: proposals, partners, members,
 * invitations, sections, audit events and templates.
 */

// ---------------------------------------------------------------- building blocks

/** A calendar date `YYYY-MM-DD` between 2000 and 2100. */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    const year = Number(s.slice(0, 4));
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && year >= 2000 && year <= 2100;
  }, 'must be a real date between 2000 and 2100');

export const partnerKindSchema = z.enum(['municipality', 'ngo', 'association', 'school', 'university', 'public_body', 'business', 'other']);
export type PartnerKind = z.infer<typeof partnerKindSchema>;

/** A proposal's language: ISO 639-1, lower case. */
export const languageSchema = z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 language code');

/** Invitation tokens: 160 random bits, base32 lower case without padding. */
export const invitationTokenSchema = z.string().regex(/^[a-z2-7]{32}$/, 'must be an invitation token');

// ---------------------------------------------------------------- params and queries

export const idParamsSchema = z.object({ id: idSchema });
export const memberParamsSchema = z.object({ proposalId: idSchema, userId: idSchema });
export const tokenParamsSchema = z.object({ token: invitationTokenSchema });

export const auditQuerySchema = z.object({
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(limits.auditPageSize).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

// ---------------------------------------------------------------- request bodies

export const partnerInputSchema = z.strictObject({
  name: lineTextSchema(limits.nameMaxChars),
  town: lineTextSchema(limits.nameMaxChars),
  country: countrySchema,
  kind: partnerKindSchema.optional(),
});
export type PartnerInput = z.infer<typeof partnerInputSchema>;

export const createProposalSchema = z.strictObject({
  title: lineTextSchema(limits.titleMaxChars),
  leadPartner: partnerInputSchema,
  templateId: optionalLineTextSchema(100).optional(),
  theme: optionalLineTextSchema(100).optional(),
  deadline: dateSchema.optional(),
  language: languageSchema.optional(),
});
export type CreateProposalInput = z.infer<typeof createProposalSchema>;

export const updatePartnerSchema = partnerInputSchema
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'must change at least one field');
export type UpdatePartnerInput = z.infer<typeof updatePartnerSchema>;

export const updateMemberSchema = z
  .strictObject({ role: roleSchema.optional(), partnerId: idSchema.optional() })
  .refine((v) => v.role !== undefined || v.partnerId !== undefined, 'must change role or partnerId');
export type UpdateMemberInput = z.infer<typeof updateMemberSchema>;

export const updateSectionSchema = z
  .strictObject({
    ownerPartnerId: idSchema.optional(),
    status: sectionStatusSchema.optional(),
    dueDate: dateSchema.nullable().optional(),
    blocked: z.strictObject({ reason: multilineTextSchema(limits.reasonMaxChars) }).nullable().optional(),
    notApplicable: z.strictObject({ justification: multilineTextSchema(limits.reasonMaxChars) }).nullable().optional(),
    /** Why changes are requested (with status `changes_requested`). */
    reason: multilineTextSchema(limits.reasonMaxChars).optional(),
    /** Why the section is approved below minChars or with open required items (VRD9; with status `approved`). */
    justification: multilineTextSchema(limits.approvalJustificationMaxChars).optional(),
    /** Indices of the guidance prompts the owner has covered. */
    checklist: z.array(z.number().int().min(0).max(99)).max(100).optional(),
    /** Keys of the section's required items the owner confirms are in the text. */
    itemsPresent: z.array(lineTextSchema(64)).max(50).optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'must change at least one field');
export type UpdateSectionInput = z.infer<typeof updateSectionSchema>;

// ---------------------------------------------------------------- responses

export const partnerSchema = z.object({
  id: z.string(),
  name: z.string(),
  town: z.string(),
  country: z.string(),
  kind: z.string(),
  isLead: z.boolean(),
});
export type Partner = z.infer<typeof partnerSchema>;

export const memberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  partnerId: z.string(),
});
export type Member = z.infer<typeof memberSchema>;

/** The meter's output: score, parts with reasons, unmet items (codes with parameters; shared/schemas/completeness.ts). */
export { completenessSchema, missingItemSchema } from './completeness';

export const sectionAbilitiesSchema = z.object({
  edit: z.boolean(),
  comment: z.boolean(),
  submit: z.boolean(),
  review: z.boolean(),
  reopen: z.boolean(),
  flag: z.boolean(),
  assign: z.boolean(),
  /** Restore to a snapshot (the server answers 409 while the section is locked). */
  restore: z.boolean(),
  /** Give a verdict now: the caller's partner does not own it, and its status takes verdicts. */
  verdict: z.boolean(),
  /** Statuses this caller may move the section to now. */
  transitions: z.array(sectionStatusSchema),
});
export type SectionAbilities = z.infer<typeof sectionAbilitiesSchema>;

export const sectionSchema = z.object({
  id: z.string(),
  proposalId: z.string(),
  key: z.string(),
  number: z.string(),
  position: z.number(),
  title: z.string(),
  criterion: z.string(),
  guidance: z.array(z.string()),
  checklist: z.array(z.number()),
  requiredItems: z.array(z.object({ key: z.string(), label: z.string() })),
  itemsPresent: z.array(z.string()),
  ownerPartnerId: z.string(),
  status: sectionStatusSchema,
  blockedReason: z.string().nullable(),
  notApplicableReason: z.string().nullable(),
  changesRequestedReason: z.string().nullable(),
  minChars: z.number(),
  maxChars: z.number(),
  dueDate: z.string().nullable(),
  completeness: completenessSchema,
  abilities: sectionAbilitiesSchema,
  /** Members' current verdicts (VRD1), stale ones last. */
  verdicts: z.array(verdictRowSchema),
});
export type Section = z.infer<typeof sectionSchema>;

export const proposalAbilitiesSchema = z.object({
  read: z.boolean(),
  manage: z.boolean(),
  comment: z.boolean(),
  export: z.boolean(),
  review: z.boolean(),
});
export type ProposalAbilities = z.infer<typeof proposalAbilitiesSchema>;

export const callRulesSchema = z.object({ minPartners: z.number(), minCountries: z.number(), pageLimit: z.number() });

export const proposalRollUpSchema = z.object({
  score: z.number(),
  /** Per award criterion id; the client names it in the reader's language (criterionLabel in shared/templates, TPL3). */
  byCriterion: z.array(z.object({ criterion: z.string(), score: z.number(), sections: z.number() })),
  pages: z.object({ estimate: z.number(), limit: z.number(), over: z.boolean() }),
});

export const proposalSchema = z.object({
  id: z.string(),
  title: z.string(),
  templateId: z.string(),
  theme: z.string().nullable(),
  deadline: z.string().nullable(),
  language: z.string(),
  partners: z.array(partnerSchema),
  members: z.array(memberSchema),
  sections: z.array(sectionSchema),
  completeness: proposalRollUpSchema,
  callRules: callRulesSchema,
  /** The template's theme ids; the client names them in the reader's language (themeLabel in shared/templates, TPL3). */
  themes: z.array(z.object({ id: z.string() })),
  abilities: proposalAbilitiesSchema,
});
export type Proposal = z.infer<typeof proposalSchema>;
export const proposalResponseSchema = z.object({ proposal: proposalSchema });

export const proposalSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  templateId: z.string(),
  theme: z.string().nullable(),
  deadline: z.string().nullable(),
  language: z.string(),
  role: roleSchema,
  createdAt: z.string(),
});
export type ProposalSummary = z.infer<typeof proposalSummarySchema>;
/** One page of the caller's proposals, newest first (SEC26). */
export const proposalListSchema = z.object({ proposals: z.array(proposalSummarySchema), next: nextCursorSchema });

export const partnerResponseSchema = z.object({ partner: partnerSchema });
export const memberResponseSchema = z.object({ member: memberSchema });
export const sectionResponseSchema = z.object({ section: sectionSchema });

export const auditEventSchema = z.object({
  id: z.number(),
  action: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  sectionId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
export const auditPageSchema = z.object({ events: z.array(auditEventSchema), nextBefore: z.number().nullable() });

/** Ids and counts only: the client names a template and its themes in the reader's language (templateTitle, themeLabel in shared/templates, TPL3). */
export const templateSummarySchema = z.object({
  id: z.string(),
  sections: z.number(),
  themes: z.array(z.object({ id: z.string() })),
});
export const templateListSchema = z.object({ templates: z.array(templateSummarySchema) });
