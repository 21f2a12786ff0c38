import { z } from 'zod';
import { limits } from '../limits';
import { multilineTextSchema } from './common';

/**
 * Reviewers sign off (issue 18, item 4): a member's verdict on a section is
 * `ready` or `needs_changes`, with an optional note. One current verdict per
 * (section, user); a new one replaces it. Verdicts never change the status: the
 * coordinator still decides approval.
 */

export const verdictSchema = z.enum(['ready', 'needs_changes']);
export type Verdict = z.infer<typeof verdictSchema>;

/** `PUT /api/sections/:id/verdict`. */
export const giveVerdictSchema = z.strictObject({
  verdict: verdictSchema,
  note: multilineTextSchema(limits.verdictNoteMaxChars).optional(),
});
export type GiveVerdictInput = z.infer<typeof giveVerdictSchema>;

/** One member's current verdict on a section, as the API shows it. */
export const verdictRowSchema = z.object({
  userId: z.string(),
  name: z.string(),
  partnerId: z.string(),
  verdict: verdictSchema,
  note: z.string().nullable(),
  /** When it was given (ISO). */
  at: z.string(),
  /** The text changed substantially since (VRD5): shown, but no longer counted. */
  stale: z.boolean(),
});
export type VerdictRow = z.infer<typeof verdictRowSchema>;

export const verdictResponseSchema = z.object({ verdict: verdictRowSchema });

/** The counts of a section's current (not stale) verdicts. */
export interface VerdictSummary {
  ready: number;
  needsChanges: number;
  stale: number;
}

export function summarizeVerdicts(rows: readonly VerdictRow[]): VerdictSummary {
  const s: VerdictSummary = { ready: 0, needsChanges: 0, stale: 0 };
  for (const r of rows) {
    if (r.stale) s.stale++;
    else if (r.verdict === 'ready') s.ready++;
    else s.needsChanges++;
  }
  return s;
}

/**
 * VRD5: whether `editUnits` (characters inserted plus deleted since the verdict)
 * change the text "substantially" for a verdict given at `basisChars` characters:
 * more than max(200, 10 % of basisChars rounded down).
 */
export function verdictResetThreshold(basisChars: number): number {
  return Math.max(limits.verdictResetMinUnits, Math.floor((Math.max(0, basisChars) * limits.verdictResetPercent) / 100));
}

export function changedSubstantially(basisChars: number, editUnits: number): boolean {
  return editUnits > verdictResetThreshold(basisChars);
}
