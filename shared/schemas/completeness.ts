import { z } from 'zod';
import { sectionStatusSchema } from './common';

/**
 * The completeness meter's output as the API sends it (shared/completeness.ts
 * computes it): the score, every part with what it earned, its maximum and its
 * reason, and the unmet items. Reasons are codes with parameters, never prose;
 * the client renders them (shared/i18n/features/meter.ts).
 */

export const meterPartSchema = z.enum(['fill', 'checklist', 'requiredItems', 'review', 'threads']);
export type MeterPart = z.infer<typeof meterPartSchema>;

const count = z.number().int().nonnegative();

/** Why a part earned what it did. */
export const meterReasonSchema = z.discriminatedUnion('kind', [
  /** Not applicable (with a justification): every part in full. */
  z.object({ kind: z.literal('not_applicable'), params: z.object({}) }),
  /** No text yet: this part earns nothing until there is some. */
  z.object({ kind: z.literal('no_text'), params: z.object({}) }),
  z.object({ kind: z.literal('fill_empty'), params: z.object({ min: count }) }),
  z.object({ kind: z.literal('fill_short'), params: z.object({ missing: count, min: count }) }),
  z.object({ kind: z.literal('fill_ok'), params: z.object({ chars: count, min: count, max: count }) }),
  z.object({ kind: z.literal('fill_over'), params: z.object({ over: count, max: count }) }),
  z.object({ kind: z.literal('checklist_open'), params: z.object({ open: count, total: count }) }),
  z.object({ kind: z.literal('checklist_done'), params: z.object({ total: count }) }),
  /** No guidance prompts: the part follows the fill. */
  z.object({ kind: z.literal('checklist_none'), params: z.object({}) }),
  z.object({ kind: z.literal('items_missing'), params: z.object({ missing: count, total: count }) }),
  z.object({ kind: z.literal('items_done'), params: z.object({ total: count }) }),
  /** No required items: the part follows the fill. */
  z.object({ kind: z.literal('items_none'), params: z.object({}) }),
  z.object({ kind: z.literal('review_waiting'), params: z.object({ status: sectionStatusSchema }) }),
  z.object({ kind: z.literal('review_in_review'), params: z.object({}) }),
  z.object({ kind: z.literal('review_approved'), params: z.object({ status: sectionStatusSchema }) }),
  z.object({ kind: z.literal('threads_open'), params: z.object({ count: count }) }),
  z.object({ kind: z.literal('threads_none'), params: z.object({}) }),
]);
export type MeterReason = z.infer<typeof meterReasonSchema>;
export type MeterReasonKind = MeterReason['kind'];

export const meterPartResultSchema = z.object({
  part: meterPartSchema,
  /** Points earned, 0..max (may be fractional; the score rounds the sum). */
  earned: z.number().nonnegative(),
  max: z.number().nonnegative(),
  reason: meterReasonSchema,
});
export type MeterPartResult = z.infer<typeof meterPartResultSchema>;

/** An unmet item: a part that is short (with its reason), one absent required item, or the blocked flag. */
export const missingItemSchema = z.union([
  z.intersection(z.object({ item: meterPartSchema }), meterReasonSchema),
  z.object({ item: z.literal('requiredItems'), kind: z.literal('required_item'), params: z.object({ key: z.string(), label: z.string() }) }),
  z.object({ item: z.literal('blocked'), kind: z.literal('blocked'), params: z.object({ reason: z.string() }) }),
]);
export type MissingItem = z.infer<typeof missingItemSchema>;
export type CompletenessItem = MissingItem['item'];

export const completenessSchema = z.object({
  /** 0 to 100, rounded to an integer. */
  score: z.number().int().min(0).max(100),
  parts: z.array(meterPartResultSchema),
  missing: z.array(missingItemSchema),
});
export type Completeness = z.infer<typeof completenessSchema>;
