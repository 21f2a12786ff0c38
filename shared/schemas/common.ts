import { z } from 'zod';

/** Every API error body: `{ error: { code, message, field? } }`. */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Ids are UUIDs; anything else in a path is a 400 before any query runs. */
export const idSchema = z.uuid({ message: 'must be a UUID' });

export const roleSchema = z.enum(['coordinator', 'editor', 'reviewer']);
export type Role = z.infer<typeof roleSchema>;

export const sectionStatusSchema = z.enum([
  'not_started',
  'drafting',
  'ready_for_review',
  'in_review',
  'changes_requested',
  'approved',
  'final',
]);
export type SectionStatus = z.infer<typeof sectionStatusSchema>;

export const localeSchema = z.enum(['en', 'it', 'sv', 'es', 'fi']);
export type Locale = z.infer<typeof localeSchema>;

/** ISO 3166-1 alpha-2, upper case. */
export const countrySchema = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code'));
