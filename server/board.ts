import type { BoardResponse } from '../shared/schemas/review';
import type { SectionStatus } from '../shared/schemas/common';
import { limits } from '../shared/limits';
import { isLocked, sectionStatuses } from '../shared/workflow';
import type { PartnerRow } from './db/partners';
import type { SectionRow } from './db/sections';
import { sectionScore } from './section-stats';

/**
 * The coordinator's board (pure): sections in columns by status, a partner ×
 * owned-sections matrix, and the "ready to submit" gate, which names every
 * blocker. A section is done when approved, final, or not applicable. The gate
 * is always about the whole proposal, even when the view is filtered to
 * "my sections".
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
}

const statusLabel: Record<SectionStatus, string> = {
  not_started: 'not started',
  drafting: 'drafting',
  ready_for_review: 'ready for review',
  in_review: 'in review',
  changes_requested: 'changes requested',
  approved: 'approved',
  final: 'final',
};

const fmt = (n: number) => n.toLocaleString('en');

export function isDone(s: Pick<SectionRow, 'status' | 'notApplicableReason'>): boolean {
  return isLocked(s.status) || s.notApplicableReason !== null;
}

export function isOverdue(s: Pick<SectionRow, 'status' | 'notApplicableReason' | 'dueDate'>, today: string): boolean {
  return s.dueDate !== null && s.dueDate < today && !isDone(s);
}

export function buildBoard(input: BoardInput): BoardResponse {
  const visible = input.onlyPartnerId ? input.sections.filter((s) => s.ownerPartnerId === input.onlyPartnerId) : input.sections;
  const chars = (id: string) => input.chars.get(id) ?? 0;
  const threads = (id: string) => input.openThreads.get(id) ?? 0;

  const columns = sectionStatuses.map((status) => ({ status, sectionIds: visible.filter((s) => s.status === status).map((s) => s.id) }));
  const partners = input.onlyPartnerId ? input.partners.filter((p) => p.id === input.onlyPartnerId) : input.partners;
  const matrix = partners.map((p) => ({
    partnerId: p.id,
    name: p.name,
    country: p.country,
    cells: visible
      .filter((s) => s.ownerPartnerId === p.id)
      .map((s) => ({
        sectionId: s.id,
        status: s.status,
        overdue: isOverdue(s, input.today),
        openThreads: threads(s.id),
        lastActivityAt: input.lastActivity.get(s.id)?.toISOString() ?? null,
        score: sectionScore(s, chars(s.id), threads(s.id)).score,
      })),
  }));

  const blockers: BoardResponse['blockers'] = [];
  const name = (s: SectionRow) => `${s.number} ${s.title}`;
  for (const s of input.sections) {
    if (!isDone(s)) blockers.push({ kind: 'status', sectionId: s.id, message: `${name(s)} is ${statusLabel[s.status]}, not approved` });
    if (s.blockedReason !== null) blockers.push({ kind: 'blocked', sectionId: s.id, message: `${name(s)} is blocked: ${s.blockedReason}` });
    const open = threads(s.id);
    if (open > 0) blockers.push({ kind: 'threads', sectionId: s.id, message: `${name(s)} has ${open} open comment thread${open === 1 ? '' : 's'}` });
    const over = chars(s.id) - s.maxChars;
    if (s.notApplicableReason === null && over > 0) {
      blockers.push({ kind: 'over_limit', sectionId: s.id, message: `${name(s)} is ${fmt(over)} characters over its limit of ${fmt(s.maxChars)}` });
    }
  }
  const { minPartners, minCountries, pageLimit } = input.rules;
  if (input.partners.length < minPartners) {
    blockers.push({ kind: 'partners', sectionId: null, message: `The call needs at least ${minPartners} partners; the proposal has ${input.partners.length}` });
  }
  const countries = new Set(input.partners.map((p) => p.country)).size;
  if (countries < minCountries) {
    blockers.push({ kind: 'countries', sectionId: null, message: `The call needs partners from at least ${minCountries} countries; the proposal has ${countries}` });
  }
  const totalChars = input.sections.filter((s) => s.notApplicableReason === null).reduce((a, s) => a + chars(s.id), 0);
  const pages = Math.round((totalChars / limits.charsPerPage) * 10) / 10;
  if (pageLimit > 0 && pages > pageLimit) {
    blockers.push({ kind: 'pages', sectionId: null, message: `About ${pages} pages, over the call's limit of ${pageLimit}` });
  }
  return { columns, matrix, blockers, readyToSubmit: blockers.length === 0 };
}
