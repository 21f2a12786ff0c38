import { sectionStatusSchema, type SectionStatus } from './schemas/common';

/**
 * The section status machine of design section 2, as data:
 * `not_started → drafting → ready_for_review → in_review → approved → final`,
 * plus `changes_requested` (back to drafting). `blocked` and `not_applicable`
 * are side flags, not statuses. Who may take each step is decided by
 * server/policy.ts from the action a transition needs.
 */

/** The permission a workflow step needs (a subset of the policy's actions). */
export type WorkflowAction = 'section.edit' | 'section.submit' | 'section.review' | 'section.reopen';

export interface Transition {
  readonly from: SectionStatus;
  readonly to: SectionStatus;
  readonly action: WorkflowAction;
  /** The step needs a reason (requesting changes). */
  readonly needsReason?: true;
}

/** Every status, in workflow order (the schema's order). */
export const sectionStatuses: readonly SectionStatus[] = sectionStatusSchema.options;

export const transitions: readonly Transition[] = [
  // Writers start and resume drafting.
  { from: 'not_started', to: 'drafting', action: 'section.edit' },
  { from: 'changes_requested', to: 'drafting', action: 'section.edit' },
  // The owner (or the coordinator) submits, and may withdraw before review starts.
  { from: 'drafting', to: 'ready_for_review', action: 'section.submit' },
  { from: 'changes_requested', to: 'ready_for_review', action: 'section.submit' },
  { from: 'ready_for_review', to: 'drafting', action: 'section.submit' },
  // The coordinator reviews.
  { from: 'ready_for_review', to: 'in_review', action: 'section.review' },
  { from: 'in_review', to: 'approved', action: 'section.review' },
  { from: 'in_review', to: 'changes_requested', action: 'section.review', needsReason: true },
  { from: 'ready_for_review', to: 'changes_requested', action: 'section.review', needsReason: true },
  { from: 'approved', to: 'final', action: 'section.review' },
  // Reopening a locked section is a coordinator action.
  { from: 'approved', to: 'drafting', action: 'section.reopen' },
  { from: 'final', to: 'drafting', action: 'section.reopen' },
];

export function findTransition(from: SectionStatus, to: SectionStatus): Transition | undefined {
  return transitions.find((t) => t.from === from && t.to === to);
}

export function canTransition(from: SectionStatus, to: SectionStatus): boolean {
  return findTransition(from, to) !== undefined;
}

/**
 * The action a change of status needs. For a move the workflow does not allow,
 * this is still defined (the action the target status is normally reached by),
 * so permission can be checked before the transition: forbidden beats invalid.
 */
export function actionForStatusChange(from: SectionStatus, to: SectionStatus): WorkflowAction {
  const exact = findTransition(from, to);
  if (exact) return exact.action;
  return actionForTarget[to];
}

const actionForTarget: Record<SectionStatus, WorkflowAction> = {
  not_started: 'section.reopen',
  drafting: 'section.edit',
  ready_for_review: 'section.submit',
  in_review: 'section.review',
  changes_requested: 'section.review',
  approved: 'section.review',
  final: 'section.review',
};

/** The statuses reachable from `from` in one step. */
export function nextStatuses(from: SectionStatus): SectionStatus[] {
  return transitions.filter((t) => t.from === from).map((t) => t.to);
}

/** Locked sections (approved or final) take no text edits. */
export function isLocked(status: SectionStatus): boolean {
  return status === 'approved' || status === 'final';
}

/**
 * Whether a section takes verdicts (VRD3): not before any text exists (`not_started`)
 * and not once it is locked (approved or final); 409 otherwise.
 */
export function takesVerdicts(status: SectionStatus): boolean {
  return status !== 'not_started' && !isLocked(status);
}

/** Why an approval needs a justification (VRD9). */
export type ApprovalConcern = 'under_min' | 'required_items';

export interface ApprovalNeeds {
  reasons: ApprovalConcern[];
  chars: number;
  minChars: number;
  /** Keys of required items not confirmed present. */
  missingItems: string[];
}

/**
 * VRD9: approving a section with fewer than `minChars` characters, or with required
 * items not confirmed present, needs the coordinator's justification. A section
 * flagged not applicable needs none. Null when nothing is wanting.
 */
export function approvalNeeds(
  section: { minChars: number; requiredItems: readonly { key: string }[]; itemsPresent: readonly string[]; notApplicable: boolean },
  chars: number,
): ApprovalNeeds | null {
  if (section.notApplicable) return null;
  const missingItems = section.requiredItems.map((r) => r.key).filter((k) => !section.itemsPresent.includes(k));
  const reasons: ApprovalConcern[] = [];
  if (chars < section.minChars) reasons.push('under_min');
  if (missingItems.length > 0) reasons.push('required_items');
  return reasons.length === 0 ? null : { reasons, chars, minChars: section.minChars, missingItems };
}
