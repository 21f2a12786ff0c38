import { describe, expect, it } from 'vitest';
import type { Role, SectionStatus } from '../../shared/schemas/common';
import { actionForStatusChange, canTransition, isLocked, nextStatuses, sectionStatuses, transitions } from '../../shared/workflow';
import { can, type Actor } from '../../server/policy';

/** Design section 2: the allowed steps, written out. */
const allowed: [SectionStatus, SectionStatus][] = [
  ['not_started', 'drafting'],
  ['drafting', 'ready_for_review'],
  ['ready_for_review', 'drafting'],
  ['ready_for_review', 'in_review'],
  ['ready_for_review', 'changes_requested'],
  ['in_review', 'approved'],
  ['in_review', 'changes_requested'],
  ['changes_requested', 'drafting'],
  ['changes_requested', 'ready_for_review'],
  ['approved', 'final'],
  ['approved', 'drafting'],
  ['final', 'drafting'],
];
const isAllowed = (from: SectionStatus, to: SectionStatus) => allowed.some(([f, t]) => f === from && t === to);
const pairs = sectionStatuses.flatMap((from) => sectionStatuses.filter((to) => to !== from).map((to) => ({ from, to })));

describe('workflow', () => {
  it.each(pairs)('API6: $from → $to is allowed exactly when the design says so', ({ from, to }) => {
    expect(canTransition(from, to)).toBe(isAllowed(from, to));
  });

  it('API6: every step leads forward, or back to drafting; only in_review and ready_for_review reach changes_requested', () => {
    expect(transitions).toHaveLength(allowed.length);
    expect(nextStatuses('not_started')).toEqual(['drafting']);
    expect(nextStatuses('in_review').sort()).toEqual(['approved', 'changes_requested']);
    expect(transitions.filter((t) => t.needsReason).map((t) => t.to)).toEqual(['changes_requested', 'changes_requested']);
  });

  it('API6: approved and final are locked; nothing else is', () => {
    expect(sectionStatuses.filter(isLocked)).toEqual(['approved', 'final']);
  });

  const roles: { name: string; actor: Actor }[] = (
    [
      ['coordinator', 'coordinator', 'lead'],
      ['editor (owner)', 'editor', 'own'],
      ['editor (other)', 'editor', 'other'],
      ['reviewer', 'reviewer', 'own'],
    ] as [string, Role, string][]
  ).map(([name, role, partnerId]) => ({ name, actor: { userId: 'u', membership: { role, partnerId } } }));

  /** Who may take each step: design section 2 (submit: owner; approve, request changes, reopen: coordinator). */
  const mayStep = (name: string, from: SectionStatus, to: SectionStatus): boolean => {
    if (name === 'coordinator') return true;
    if (name !== 'editor (owner)') return false;
    if (to === 'drafting') return from === 'not_started' || from === 'changes_requested' || from === 'ready_for_review';
    return to === 'ready_for_review';
  };

  it.each(roles.flatMap((r) => allowed.map(([from, to]) => ({ ...r, from, to }))))('POL3: $name: $from → $to', ({ name, actor, from, to }) => {
    const section = { ownerPartnerId: 'own', status: from };
    expect(can(actor, actionForStatusChange(from, to), section)).toBe(mayStep(name, from, to));
  });

  it('POL3: reopening an approved or final section is coordinator-only', () => {
    expect(actionForStatusChange('approved', 'drafting')).toBe('section.reopen');
    expect(actionForStatusChange('final', 'drafting')).toBe('section.reopen');
  });
});
