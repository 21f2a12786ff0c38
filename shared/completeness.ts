import type { SectionStatus } from './schemas/common';
import type { Completeness, MeterPart, MeterPartResult, MeterReason, MissingItem } from './schemas/completeness';
import { limits } from './limits';

export type { Completeness, CompletenessItem, MeterPart, MeterPartResult, MeterReason, MissingItem } from './schemas/completeness';

/**
 * The completeness meter (design section 3): a pure function, used live by the
 * client as people type and by the server for dashboards and the API.
 *
 * It is honest (MTR rules in test/SPEC.md): an empty section scores 0 whatever
 * its status, ticks or threads. Every part says what it earned, out of what,
 * and why, as a code with parameters the client translates.
 */

export const completenessWeights = {
  fill: 30,
  checklist: 30,
  requiredItems: 15,
  review: 15,
  threads: 10,
} as const satisfies Record<MeterPart, number>;

export const meterParts = ['fill', 'checklist', 'requiredItems', 'review', 'threads'] as const satisfies readonly MeterPart[];

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

const part = (name: MeterPart, earned: number, reason: MeterReason): MeterPartResult => ({ part: name, earned, max: completenessWeights[name], reason });
const noText: MeterReason = { kind: 'no_text', params: {} };

/**
 * How much text there is against the minimum, 0..1: 0 without text, 1 from
 * `minChars` on (and for any text when the minimum is 0). Over `maxChars` is
 * still text: 1. Parts with nothing of their own to measure earn this share.
 */
export function textShare(spec: Pick<SectionSpec, 'minChars'>, chars: number): number {
  if (chars <= 0) return 0;
  return spec.minChars > 0 ? Math.min(1, chars / spec.minChars) : 1;
}

function fillPart(spec: SectionSpec, chars: number): MeterPartResult {
  const w = completenessWeights.fill;
  const min = Math.max(0, spec.minChars);
  if (chars <= 0) return part('fill', 0, { kind: 'fill_empty', params: { min } });
  if (chars > spec.maxChars) return part('fill', 0, { kind: 'fill_over', params: { over: chars - spec.maxChars, max: spec.maxChars } });
  if (chars < min) return part('fill', (w * chars) / min, { kind: 'fill_short', params: { missing: min - chars, min } });
  return part('fill', w, { kind: 'fill_ok', params: { chars, min, max: spec.maxChars } });
}

function checklistPart(spec: SectionSpec, stats: TextStats, chars: number): MeterPartResult {
  const w = completenessWeights.checklist;
  if (chars <= 0) return part('checklist', 0, noText);
  const total = spec.guidance.length;
  if (total === 0) return part('checklist', w * textShare(spec, chars), { kind: 'checklist_none', params: {} });
  const ticked = new Set(stats.checked.filter((i) => Number.isInteger(i) && i >= 0 && i < total)).size;
  const earned = (w * ticked) / total;
  return ticked < total ? part('checklist', earned, { kind: 'checklist_open', params: { open: total - ticked, total } }) : part('checklist', w, { kind: 'checklist_done', params: { total } });
}

function itemsPart(spec: SectionSpec, stats: TextStats, chars: number): MeterPartResult {
  const w = completenessWeights.requiredItems;
  if (chars <= 0) return part('requiredItems', 0, noText);
  const total = spec.requiredItems.length;
  if (total === 0) return part('requiredItems', w * textShare(spec, chars), { kind: 'items_none', params: {} });
  const present = new Set(stats.itemsPresent);
  const absent = spec.requiredItems.filter((r) => !present.has(r.key)).length;
  const earned = (w * (total - absent)) / total;
  return absent > 0 ? part('requiredItems', earned, { kind: 'items_missing', params: { missing: absent, total } }) : part('requiredItems', w, { kind: 'items_done', params: { total } });
}

function reviewPart(status: SectionStatus, chars: number): MeterPartResult {
  const w = completenessWeights.review;
  if (chars <= 0) return part('review', 0, noText);
  switch (status) {
    case 'approved':
    case 'final':
      return part('review', w, { kind: 'review_approved', params: { status } });
    case 'in_review':
      return part('review', w / 2, { kind: 'review_in_review', params: {} });
    case 'not_started':
    case 'drafting':
    case 'ready_for_review':
    case 'changes_requested':
      return part('review', 0, { kind: 'review_waiting', params: { status } });
    default: {
      const never: never = status;
      return never;
    }
  }
}

function threadsPart(openThreads: number, chars: number): MeterPartResult {
  if (openThreads > 0) return part('threads', 0, { kind: 'threads_open', params: { count: openThreads } });
  if (chars <= 0) return part('threads', 0, noText);
  return part('threads', completenessWeights.threads, { kind: 'threads_none', params: {} });
}

export function completeness(spec: SectionSpec, stats: TextStats, state: SectionState | SectionStatus, openThreads: number): Completeness {
  const st: SectionState = typeof state === 'string' ? { status: state } : state;
  if (st.notApplicable) {
    const parts = meterParts.map((name) => part(name, completenessWeights[name], { kind: 'not_applicable', params: {} }));
    return { score: 100, parts, missing: [] };
  }
  const chars = Math.max(0, Math.trunc(stats.chars));
  const threads = Math.max(0, Math.trunc(openThreads));
  const parts = [fillPart(spec, chars), checklistPart(spec, stats, chars), itemsPart(spec, stats, chars), reviewPart(st.status, chars), threadsPart(threads, chars)];

  const missing: MissingItem[] = [];
  const present = new Set(stats.itemsPresent);
  const absentItems = spec.requiredItems.filter((r) => !present.has(r.key));
  for (const p of parts) {
    if (p.part === 'requiredItems' && absentItems.length > 0) {
      for (const r of absentItems) missing.push({ item: 'requiredItems', kind: 'required_item', params: { key: r.key, label: r.label } });
    } else if (p.earned < p.max) {
      missing.push({ item: p.part, ...p.reason });
    }
  }
  if (st.blockedReason) missing.push({ item: 'blocked', kind: 'blocked', params: { reason: st.blockedReason } });
  const score = Math.min(100, Math.max(0, Math.round(parts.reduce((a, p) => a + p.earned, 0))));
  return { score, parts, missing };
}

/** The open threads a meter counted (from its threads part), so a live recount keeps them. */
export function openThreadsOf(c: Pick<Completeness, 'parts'>): number {
  const threads = c.parts.find((p) => p.part === 'threads');
  return threads?.reason.kind === 'threads_open' ? threads.reason.params.count : 0;
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
