import type { BoardBlocker, BoardResponse } from '../shared/schemas/review';
import { limits } from '../shared/limits';
import { summarizeVerdicts, type VerdictRow } from '../shared/schemas/verdicts';
import { isLocked } from '../shared/workflow';
import type { PartnerRow } from './db/partners';
import type { SectionRow } from './db/sections';
import { sectionScore } from './section-stats';

/**
 * The coordinator's board (pure): a grid of partners (rows) × sections
 * (columns) with one cell per assignment and the reviewers' verdicts per
 * section, and the "ready to submit" gate, which gives every blocker as a code
 * with parameters (BRD rules). A section is done when approved, final, or not
 * applicable. The gate is always about the whole proposal, even when the view
 * is filtered to "my sections".
 */

export interface BoardInput {
  sections: readonly SectionRow[];
  partners: readonly PartnerRow[];
  rules: { minPartners: number; minCountries: number; pageLimit: number };
  /** Stored characters per section id (missing: 0). */
  chars: ReadonlyMap<string, number>;
  openThreads: ReadonlyMap<string, number>;
  /** Latest activity per section id (edits, comments, audit). */
  lastActivity: ReadonlyMap<string, Date>;
  /** Today, as YYYY-MM-DD (due dates before it are overdue). */
  today: string;
  /** Only sections owned by this partner ("my sections"). */
  onlyPartnerId?: string | null;
  /** The reviewers' verdicts per section id (missing, or no map: none; the submission gate does not read them). */
  verdicts?: ReadonlyMap<string, readonly VerdictRow[]>;
}

export function isDone(s: Pick<SectionRow, 'status' | 'notApplicableReason'>): boolean {
  return isLocked(s.status) || s.notApplicableReason !== null;
}

export function isOverdue(s: Pick<SectionRow, 'status' | 'notApplicableReason' | 'dueDate'>, today: string): boolean {
  return s.dueDate !== null && s.dueDate < today && !isDone(s);
}

/** Every blocker of the whole proposal, as codes with parameters, section by section, then the call's rules. */
export function boardBlockers(input: Pick<BoardInput, 'sections' | 'partners' | 'rules' | 'chars' | 'openThreads'>): BoardBlocker[] {
  const chars = (id: string) => input.chars.get(id) ?? 0;
  const blockers: BoardBlocker[] = [];
  for (const s of input.sections) {
    if (!isDone(s)) blockers.push({ kind: 'status', sectionId: s.id, params: { status: s.status } });
    if (s.blockedReason !== null) blockers.push({ kind: 'blocked', sectionId: s.id, params: { reason: s.blockedReason } });
    const open = input.openThreads.get(s.id) ?? 0;
    if (open > 0) blockers.push({ kind: 'threads', sectionId: s.id, params: { count: open } });
    const over = chars(s.id) - s.maxChars;
    if (s.notApplicableReason === null && over > 0) blockers.push({ kind: 'over_limit', sectionId: s.id, params: { over, max: s.maxChars } });
  }
  const { minPartners, minCountries, pageLimit } = input.rules;
  if (input.partners.length < minPartners) blockers.push({ kind: 'partners', sectionId: null, params: { min: minPartners, actual: input.partners.length } });
  const countries = new Set(input.partners.map((p) => p.country)).size;
  if (countries < minCountries) blockers.push({ kind: 'countries', sectionId: null, params: { min: minCountries, actual: countries } });
  const totalChars = input.sections.filter((s) => s.notApplicableReason === null).reduce((a, s) => a + chars(s.id), 0);
  const pages = Math.round((totalChars / limits.charsPerPage) * 10) / 10;
  if (pageLimit > 0 && pages > pageLimit) blockers.push({ kind: 'pages', sectionId: null, params: { pages, limit: pageLimit } });
  return blockers;
}

export function buildBoard(input: BoardInput): BoardResponse {
  const visible = input.onlyPartnerId ? input.sections.filter((s) => s.ownerPartnerId === input.onlyPartnerId) : input.sections;
  const chars = (id: string) => input.chars.get(id) ?? 0;
  const threads = (id: string) => input.openThreads.get(id) ?? 0;
  const partners = input.onlyPartnerId ? input.partners.filter((p) => p.id === input.onlyPartnerId) : input.partners;
  const rows = partners.map((p) => ({
    partnerId: p.id,
    name: p.name,
    country: p.country,
    cells: visible
      .filter((s) => s.ownerPartnerId === p.id)
      .map((s) => ({
        sectionId: s.id,
        status: s.status,
        score: sectionScore(s, chars(s.id), threads(s.id)).score,
        dueDate: s.dueDate,
        overdue: isOverdue(s, input.today),
        openThreads: threads(s.id),
        lastActivityAt: input.lastActivity.get(s.id)?.toISOString() ?? null,
      })),
  }));
  const blockers = boardBlockers(input);
  return {
    sections: visible.map((s) => ({ sectionId: s.id, ownerPartnerId: s.ownerPartnerId, verdicts: summarizeVerdicts(input.verdicts?.get(s.id) ?? []) })),
    rows,
    blockers,
    readyToSubmit: blockers.length === 0,
  };
}
