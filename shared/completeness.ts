import type { SectionStatus } from './schemas/common';
import { limits } from './limits';

/**
 * The completeness meter (design section 3): a pure function, used live by the
 * client as people type and by the server for dashboards and the API.
 */

export const completenessWeights = {
  fill: 30,
  checklist: 30,
  requiredItems: 15,
  review: 15,
  threads: 10,
} as const;

export type CompletenessItem = keyof typeof completenessWeights | 'blocked';

export interface SectionSpec {
  readonly minChars: number;
  readonly maxChars: number;
  /** The guidance prompts (only their count matters here). */
  readonly guidance: readonly string[];
  readonly requiredItems: readonly { readonly key: string; readonly label: string }[];
}

export interface TextStats {
  /** Characters with spaces, as EU forms count them. */
  readonly chars: number;
  /** Indices of the guidance prompts the owner has ticked. */
  readonly checked: readonly number[];
  /** Keys of the required structured items present in the text. */
  readonly itemsPresent: readonly string[];
}

export const emptyStats: TextStats = { chars: 0, checked: [], itemsPresent: [] };

/** The section's workflow state as the meter sees it. */
export interface SectionState {
  readonly status: SectionStatus;
  /** Not applicable (with a justification) counts as complete. */
  readonly notApplicable?: boolean;
  /** Blocked shows as an unmet item but does not change the score. */
  readonly blockedReason?: string | null;
}

export interface MissingItem {
  readonly item: CompletenessItem;
  readonly reason: string;
}

export interface Completeness {
  /** 0 to 100, rounded to an integer. */
  readonly score: number;
  readonly missing: MissingItem[];
}

const fmt = (n: number) => n.toLocaleString('en');

export function completeness(spec: SectionSpec, stats: TextStats, state: SectionState | SectionStatus, openThreads: number): Completeness {
  const st: SectionState = typeof state === 'string' ? { status: state } : state;
  if (st.notApplicable) return { score: 100, missing: [] };
  const w = completenessWeights;
  const missing: MissingItem[] = [];
  let score = 0;

  // Fill: characters against minChars; over maxChars counts as unmet.
  const chars = Math.max(0, stats.chars);
  if (chars > spec.maxChars) {
    missing.push({ item: 'fill', reason: `${fmt(chars - spec.maxChars)} characters over the limit of ${fmt(spec.maxChars)}` });
  } else if (chars >= spec.minChars) {
    score += w.fill;
  } else {
    score += spec.minChars > 0 ? (w.fill * chars) / spec.minChars : w.fill;
    missing.push({ item: 'fill', reason: `${fmt(spec.minChars - chars)} more characters needed (minimum ${fmt(spec.minChars)})` });
  }

  // Guidance checklist.
  const prompts = spec.guidance.length;
  if (prompts === 0) {
    score += w.checklist;
  } else {
    const ticked = new Set(stats.checked.filter((i) => Number.isInteger(i) && i >= 0 && i < prompts)).size;
    score += (w.checklist * ticked) / prompts;
    if (ticked < prompts) missing.push({ item: 'checklist', reason: `${prompts - ticked} of ${prompts} guidance prompts not yet covered` });
  }

  // Required structured items.
  const required = spec.requiredItems;
  if (required.length === 0) {
    score += w.requiredItems;
  } else {
    const present = new Set(stats.itemsPresent);
    const absent = required.filter((r) => !present.has(r.key));
    score += (w.requiredItems * (required.length - absent.length)) / required.length;
    for (const r of absent) missing.push({ item: 'requiredItems', reason: `Missing: ${r.label}` });
  }

  // Review state: in review is worth half, approved (and final) all.
  if (st.status === 'approved' || st.status === 'final') {
    score += w.review;
  } else if (st.status === 'in_review') {
    score += w.review / 2;
    missing.push({ item: 'review', reason: 'In review, not yet approved' });
  } else {
    missing.push({ item: 'review', reason: st.status === 'changes_requested' ? 'Changes requested' : 'Not yet approved' });
  }

  // Open threads.
  if (openThreads <= 0) {
    score += w.threads;
  } else {
    missing.push({ item: 'threads', reason: `${openThreads} open comment thread${openThreads === 1 ? '' : 's'}` });
  }

  if (st.blockedReason) missing.push({ item: 'blocked', reason: `Blocked: ${st.blockedReason}` });
  return { score: Math.round(score), missing };
}

export interface ScoredSection {
  readonly criterion: string;
  readonly score: number;
  readonly chars: number;
}

export interface CriterionRollUp {
  readonly criterion: string;
  readonly score: number;
  readonly sections: number;
}

export interface ProposalRollUp {
  /** Mean of the section scores, 0 to 100. */
  readonly score: number;
  readonly byCriterion: CriterionRollUp[];
  /** Estimated pages (about 5,000 characters a page) against the call's limit. */
  readonly pages: { readonly estimate: number; readonly limit: number; readonly over: boolean };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length));

/** Mean score per award criterion, in order of first appearance. */
export function rollUpByCriterion(sections: readonly ScoredSection[]): CriterionRollUp[] {
  const groups = new Map<string, number[]>();
  for (const sec of sections) {
    const g = groups.get(sec.criterion) ?? [];
    g.push(sec.score);
    groups.set(sec.criterion, g);
  }
  return [...groups].map(([criterion, scores]) => ({ criterion, score: mean(scores), sections: scores.length }));
}

export function rollUpProposal(sections: readonly ScoredSection[], pageLimit: number): ProposalRollUp {
  const chars = sections.reduce((a, sec) => a + sec.chars, 0);
  const estimate = Math.round((chars / limits.charsPerPage) * 10) / 10;
  return {
    score: mean(sections.map((sec) => sec.score)),
    byCriterion: rollUpByCriterion(sections),
    pages: { estimate, limit: pageLimit, over: estimate > pageLimit },
  };
}
