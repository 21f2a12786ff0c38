import { z } from 'zod';
import { limits } from '../limits';
import { idSchema, lineTextSchema, localeSchema } from './common';

/**
 * Colours given to users at signup, for carets and presence. Each one carries
 * white text at a contrast of at least 4.5:1 (WCAG AA), so a name label on it is readable.
 */
export const userColors = [
  '#b91c1c', // red
  '#c2410c', // orange
  '#a16207', // ochre
  '#4d7c0f', // olive
  '#15803d', // green
  '#0f766e', // teal
  '#0e7490', // cyan
  '#1d4ed8', // blue
  '#4338ca', // indigo
  '#6d28d9', // violet
  '#a21caf', // magenta
  '#be185d', // pink
] as const;

/** Emails are compared trimmed and lower-cased, so `Ana@Town.eu ` and `ana@town.eu` are one account. */
export const emailSchema = z.string().trim().toLowerCase().max(limits.emailMaxChars).pipe(z.email({ message: 'must be an email address' }));

/** A new password (signup, change). Login accepts any non-empty string, so a short guess is a 401, not a 400. */
export const newPasswordSchema = z.string().min(limits.passwordMinChars).max(limits.passwordMaxChars);
const givenPasswordSchema = z.string().min(1).max(limits.passwordMaxChars);

export const userNameSchema = lineTextSchema(limits.nameMaxChars);

export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  name: z.string(),
  locale: localeSchema,
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
});
export type User = z.infer<typeof userSchema>;

export const userResponseSchema = z.object({ user: userSchema });
export type UserResponse = z.infer<typeof userResponseSchema>;

/** `GET /api/session`: the signed-in user, or null for a visitor (200 either way, A11Y4). */
export const sessionResponseSchema = z.object({ user: userSchema.nullable() });
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

export const signupRequestSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  name: userNameSchema,
  locale: localeSchema.optional(),
});
export type SignupRequest = z.infer<typeof signupRequestSchema>;

export const loginRequestSchema = z.object({
  email: emailSchema,
  password: givenPasswordSchema,
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const updateMeRequestSchema = z.strictObject({
  name: userNameSchema.optional(),
  locale: localeSchema.optional(),
});
export type UpdateMeRequest = z.infer<typeof updateMeRequestSchema>;

export const changePasswordRequestSchema = z.strictObject({
  currentPassword: givenPasswordSchema,
  newPassword: newPasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;
