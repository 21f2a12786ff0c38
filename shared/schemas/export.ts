import { z } from 'zod';

/**
 * Export of a whole proposal (design section 5): the download query and the
 * preflight that shows each section's characters against its budget.
 */

export const exportFormatSchema = z.enum(['docx', 'md', 'html']);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** `?format=docx|md|html[&notes=1]`; notes add unresolved comment threads as numbered notes. */
export const exportQuerySchema = z.strictObject({
  format: exportFormatSchema,
  notes: z.enum(['0', '1']).optional(),
});
export type ExportQuery = z.infer<typeof exportQuerySchema>;

/** Where a section's characters (with spaces) stand against its budget. */
export const fillStateSchema = z.enum(['empty', 'under', 'ok', 'over']);
export type FillState = z.infer<typeof fillStateSchema>;

export const preflightSectionSchema = z.object({
  sectionId: z.string(),
  number: z.string(),
  title: z.string(),
  chars: z.number().int().nonnegative(),
  minChars: z.number().int(),
  maxChars: z.number().int(),
  state: fillStateSchema,
  /** Characters past `maxChars`; 0 unless `state` is `over`. */
  overBy: z.number().int().nonnegative(),
});
export type PreflightSection = z.infer<typeof preflightSectionSchema>;

const warningCount = z.number().int().nonnegative();

/** One thing to look at before exporting, as a code with parameters (never prose), tied to its section. */
export const preflightWarningSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('empty'), sectionId: z.string(), params: z.object({ min: warningCount }) }),
  z.object({ kind: z.literal('under'), sectionId: z.string(), params: z.object({ chars: warningCount, missing: warningCount, min: warningCount }) }),
  z.object({ kind: z.literal('over'), sectionId: z.string(), params: z.object({ over: warningCount, max: warningCount }) }),
]);
export type PreflightWarning = z.infer<typeof preflightWarningSchema>;

export const preflightResponseSchema = z.object({
  sections: z.array(preflightSectionSchema),
  warnings: z.array(preflightWarningSchema),
  totalChars: z.number().int().nonnegative(),
});
export type PreflightResponse = z.infer<typeof preflightResponseSchema>;
