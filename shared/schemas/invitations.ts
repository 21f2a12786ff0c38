import { z } from 'zod';
import { limits } from '../limits';
import { idSchema, roleSchema } from './common';
import { nextCursorSchema } from './page';

/**
 * Invitation links (TEAM rules): a link per partner and role, usable by up to
 * `maxUses` people until it expires; a bulk invitation makes one personal link
 * per pasted address. Re-exported by ./domain.ts, so `shared/schemas` has them all.
 */

// ---------------------------------------------------------------- requests

/** Days a new link stays valid: 1..`limits.invitationMaxDays` (default `limits.invitationLifetimeMs`). */
export const invitationDaysSchema = z.number().int().min(1).max(limits.invitationMaxDays);

export const createInvitationSchema = z.strictObject({
  partnerId: idSchema,
  role: roleSchema,
  /** People who may join through the link: 1 (a personal link, the default) .. `limits.invitationMaxUses`. */
  maxUses: z.number().int().min(1).max(limits.invitationMaxUses).optional(),
  expiresInDays: invitationDaysSchema.optional(),
});
export type CreateInvitationInput = z.infer<typeof createInvitationSchema>;

/**
 * A bulk invitation: the pasted `text`, or a list of `emails` (each item may hold
 * several entries), read by shared/email-list.ts. Exactly one of the two.
 */
export const bulkInvitationSchema = z
  .strictObject({
    partnerId: idSchema,
    role: roleSchema,
    text: z.string().max(limits.bulkInvitationMaxChars).optional(),
    emails: z.array(z.string().max(limits.emailMaxChars * 2)).max(limits.bulkInvitationMaxEntries).optional(),
    expiresInDays: invitationDaysSchema.optional(),
  })
  .refine((v) => (v.text === undefined) !== (v.emails === undefined), { message: 'give text or emails', path: ['emails'] });
export type BulkInvitationInput = z.infer<typeof bulkInvitationSchema>;

// ---------------------------------------------------------------- responses

export const invitationCreatedSchema = z.object({
  id: z.string(),
  token: z.string(),
  url: z.string(),
  expiresAt: z.string(),
  maxUses: z.number(),
});
export type InvitationCreated = z.infer<typeof invitationCreatedSchema>;

/** Why a pasted address got no link. */
export const bulkSkipReasonSchema = z.enum(['already_member', 'already_invited']);
export type BulkSkipReason = z.infer<typeof bulkSkipReasonSchema>;

export const bulkInvitationCreatedSchema = z.object({
  invitations: z.array(z.object({ email: z.string(), id: z.string(), token: z.string(), url: z.string(), expiresAt: z.string() })),
  skipped: z.array(z.object({ email: z.string(), reason: bulkSkipReasonSchema })),
});
export type BulkInvitationCreated = z.infer<typeof bulkInvitationCreatedSchema>;

/** `used_up`: as many people joined as the link allows. */
export const invitationStateSchema = z.enum(['pending', 'used_up', 'revoked', 'expired']);
export type InvitationState = z.infer<typeof invitationStateSchema>;

export const invitationSchema = z.object({
  id: z.string(),
  partnerId: z.string(),
  role: roleSchema,
  state: invitationStateSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  /** The latest person who joined through it. */
  acceptedBy: z.string().nullable(),
  maxUses: z.number(),
  uses: z.number(),
  /** The address of a personal link from a bulk invitation. */
  email: z.string().nullable(),
  createdByName: z.string().nullable(),
});
export type Invitation = z.infer<typeof invitationSchema>;
/** One page of a proposal's invitations, newest first (SEC26). */
export const invitationListSchema = z.object({ invitations: z.array(invitationSchema), next: nextCursorSchema });

export const invitationPreviewSchema = z.object({
  invitation: z.object({
    proposalTitle: z.string(),
    partner: z.object({ name: z.string(), town: z.string(), country: z.string() }),
    role: roleSchema,
    expiresAt: z.string(),
  }),
});
export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;
export const invitationAcceptedSchema = z.object({ proposalId: z.string() });
