import { describe, expect, it } from 'vitest';
import type { SectionStatus } from '../../shared/schemas/common';
import { buildBoard, type BoardInput } from '../../server/board';
import { boardResponseSchema } from '../../shared/schemas/review';
import type { VerdictRow } from '../../shared/schemas/verdicts';
import type { PartnerRow } from '../../server/db/partners';
import type { SectionRow } from '../../server/db/sections';

const partner = (id: string, country: string): PartnerRow => ({ id, proposalId: 'p', name: `Town ${id}`, town: id, country, kind: 'municipality', isLead: id === 'it', createdAt: new Date(0) });

const section = (id: string, owner: string, status: SectionStatus, extra: Partial<SectionRow> = {}): SectionRow => ({
  id,
  proposalId: 'p',
  key: id,
  position: 0,
  number: id,
  title: `Section ${id}`,
  criterion: 'relevance',
  guidance: [],
  checklist: [],
  itemsPresent: [],
  requiredItems: [],
  minChars: 0,
  maxChars: 1000,
  ownerPartnerId: owner,
  status,
  blockedReason: null,
  notApplicableReason: null,
  changesRequestedReason: null,
  dueDate: null,
  updatedAt: new Date(0),
  ...extra,
});

const base = (over: Partial<BoardInput> = {}): BoardInput => ({
  sections: [section('1', 'it', 'approved'), section('2', 'se', 'final'), section('3', 'se', 'drafting', { notApplicableReason: 'n/a' })],
  partners: [partner('it', 'IT'), partner('se', 'SE')],
  rules: { minPartners: 2, minCountries: 2, pageLimit: 1 },
  chars: new Map(),
  openThreads: new Map(),
  lastActivity: new Map(),
  today: '2026-11-27',
  verdicts: new Map(),
  ...over,
});

const verdict = (userId: string, v: VerdictRow['verdict'], stale = false): VerdictRow => ({ userId, name: userId, partnerId: 'x', verdict: v, note: null, at: '2026-11-20T10:00:00.000Z', stale });

describe('board: the ready-to-submit gate', () => {
  it('REV12: every section approved, final or not applicable, no threads, nothing over, call rules met: ready', () => {
    const board = boardResponseSchema.parse(buildBoard(base()));
    expect(board.blockers).toEqual([]);
    expect(board.readyToSubmit).toBe(true);
  });

  it('BRD2: each blocker is a code with its section and parameters, never prose', () => {
    const board = boardResponseSchema.parse(
      buildBoard(
        base({
          sections: [section('1', 'it', 'in_review', { blockedReason: 'waiting for the mayor' }), section('2', 'se', 'approved')],
          partners: [partner('it', 'IT')],
          chars: new Map([['2', 6000]]),
          openThreads: new Map([['2', 2]]),
        }),
      ),
    );
    expect(board.readyToSubmit).toBe(false);
    expect(board.blockers).toEqual([
      { kind: 'status', sectionId: '1', params: { status: 'in_review' } },
      { kind: 'blocked', sectionId: '1', params: { reason: 'waiting for the mayor' } },
      { kind: 'threads', sectionId: '2', params: { count: 2 } },
      { kind: 'over_limit', sectionId: '2', params: { over: 5000, max: 1000 } },
      { kind: 'partners', sectionId: null, params: { min: 2, actual: 1 } },
      { kind: 'countries', sectionId: null, params: { min: 2, actual: 1 } },
      { kind: 'pages', sectionId: null, params: { pages: 1.2, limit: 1 } },
    ]);
  });

  it('BRD2: limits: at the character limit, the partner and country minimums and the page limit nothing blocks; one past each blocks', () => {
    const at = buildBoard(base({ sections: [section('1', 'it', 'approved', { maxChars: 5000 })], chars: new Map([['1', 5000]]) }));
    expect(at.blockers).toEqual([]);
    const past = buildBoard(base({ sections: [section('1', 'it', 'approved', { maxChars: 5000 })], chars: new Map([['1', 5001]]) }));
    // 5,001 characters are about 1.0 page: at the page limit, not past it.
    expect(past.blockers).toEqual([{ kind: 'over_limit', sectionId: '1', params: { over: 1, max: 5000 } }]);
    const pagesPast = buildBoard(base({ sections: [section('1', 'it', 'approved', { maxChars: 9000 })], chars: new Map([['1', 5250]]) }));
    expect(pagesPast.blockers).toEqual([{ kind: 'pages', sectionId: null, params: { pages: 1.1, limit: 1 } }]);
    const threePartners = base({ rules: { minPartners: 3, minCountries: 3, pageLimit: 0 }, partners: [partner('it', 'IT'), partner('se', 'SE'), partner('fi', 'FI')] });
    expect(buildBoard(threePartners).blockers).toEqual([]);
    expect(buildBoard({ ...threePartners, partners: [partner('it', 'IT'), partner('se', 'SE'), partner('se2', 'SE')] }).blockers).toEqual([
      { kind: 'countries', sectionId: null, params: { min: 3, actual: 2 } },
    ]);
  });

  it('BRD1: the grid: sections across in template order with verdict counts, partners down with one cell per owned section; "mine" filters the view, not the gate', () => {
    const input = base({
      sections: [section('1', 'it', 'drafting', { dueDate: '2026-11-26' }), section('2', 'se', 'drafting', { dueDate: '2026-11-28' }), section('3', 'se', 'approved', { dueDate: '2026-01-01' })],
      openThreads: new Map([['2', 1]]),
      chars: new Map([['2', 300]]),
      lastActivity: new Map([['1', new Date('2026-11-20T10:00:00Z')]]),
      verdicts: new Map([['2', [verdict('r1', 'ready'), verdict('r2', 'needs_changes'), verdict('r3', 'ready'), verdict('r4', 'ready', true)]]]),
    });
    const board = boardResponseSchema.parse(buildBoard(input));
    expect(board.sections).toEqual([
      { sectionId: '1', ownerPartnerId: 'it', verdicts: { ready: 0, needsChanges: 0, stale: 0 } },
      { sectionId: '2', ownerPartnerId: 'se', verdicts: { ready: 2, needsChanges: 1, stale: 1 } },
      { sectionId: '3', ownerPartnerId: 'se', verdicts: { ready: 0, needsChanges: 0, stale: 0 } },
    ]);
    const it_ = board.rows.find((m) => m.partnerId === 'it')!;
    expect(it_.country).toBe('IT');
    expect(it_.cells).toEqual([{ sectionId: '1', status: 'drafting', score: 0, dueDate: '2026-11-26', overdue: true, openThreads: 0, lastActivityAt: '2026-11-20T10:00:00.000Z' }]);
    const se = board.rows.find((m) => m.partnerId === 'se')!;
    expect(se.cells.map((c) => [c.sectionId, c.overdue, c.openThreads, c.dueDate])).toEqual([
      ['2', false, 1, '2026-11-28'],
      ['3', false, 0, '2026-01-01'],
    ]);
    // The cell's meter is the section's: an empty section is 0, whatever its status.
    expect(se.cells.map((c) => c.score)).toEqual([75, 0]);
    const mine = buildBoard({ ...input, onlyPartnerId: 'se' });
    expect(mine.sections.map((c) => c.sectionId)).toEqual(['2', '3']);
    expect(mine.rows.map((m) => m.partnerId)).toEqual(['se']);
    expect(mine.blockers).toEqual(board.blockers);
  });
});
