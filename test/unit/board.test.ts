import { describe, expect, it } from 'vitest';
import type { SectionStatus } from '../../shared/schemas/common';
import { buildBoard, type BoardInput } from '../../server/board';
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
  ...over,
});

describe('board: the ready-to-submit gate', () => {
  it('REV12: every section approved, final or not applicable, no threads, nothing over, call rules met: ready', () => {
    const board = buildBoard(base());
    expect(board.blockers).toEqual([]);
    expect(board.readyToSubmit).toBe(true);
  });

  it('REV12: each blocker is named, with its section', () => {
    const board = buildBoard(
      base({
        sections: [section('1', 'it', 'in_review', { blockedReason: 'waiting for the mayor' }), section('2', 'se', 'approved')],
        partners: [partner('it', 'IT')],
        chars: new Map([['2', 6000]]),
        openThreads: new Map([['2', 2]]),
      }),
    );
    expect(board.readyToSubmit).toBe(false);
    expect(board.blockers.map((b) => [b.kind, b.sectionId])).toEqual([
      ['status', '1'],
      ['blocked', '1'],
      ['threads', '2'],
      ['over_limit', '2'],
      ['partners', null],
      ['countries', null],
      ['pages', null],
    ]);
    expect(board.blockers.find((b) => b.kind === 'over_limit')?.message).toContain('5,000 characters over');
  });

  it('REV12: columns follow the workflow; the matrix shows owners, overdue sections and open threads; "mine" filters the view, not the gate', () => {
    const input = base({
      sections: [section('1', 'it', 'drafting', { dueDate: '2026-11-26' }), section('2', 'se', 'drafting', { dueDate: '2026-11-28' }), section('3', 'se', 'approved', { dueDate: '2026-01-01' })],
      openThreads: new Map([['2', 1]]),
      lastActivity: new Map([['1', new Date('2026-11-20T10:00:00Z')]]),
    });
    const board = buildBoard(input);
    expect(board.columns.map((c) => c.status)).toEqual(['not_started', 'drafting', 'ready_for_review', 'in_review', 'changes_requested', 'approved', 'final']);
    expect(board.columns.find((c) => c.status === 'drafting')?.sectionIds).toEqual(['1', '2']);
    const it_ = board.matrix.find((m) => m.partnerId === 'it')!;
    expect(it_.cells).toEqual([expect.objectContaining({ sectionId: '1', overdue: true, lastActivityAt: '2026-11-20T10:00:00.000Z' })]);
    const se = board.matrix.find((m) => m.partnerId === 'se')!;
    expect(se.cells.map((c) => [c.sectionId, c.overdue, c.openThreads])).toEqual([
      ['2', false, 1],
      ['3', false, 0],
    ]);
    const mine = buildBoard({ ...input, onlyPartnerId: 'se' });
    expect(mine.columns.flatMap((c) => c.sectionIds)).toEqual(['2', '3']);
    expect(mine.matrix.map((m) => m.partnerId)).toEqual(['se']);
    expect(mine.blockers).toEqual(board.blockers);
  });
});
