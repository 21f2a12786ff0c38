import { describe, expect, it } from 'vitest';
import type { SectionStatus } from '../../shared/schemas/common';
import { sectionStatuses } from '../../shared/workflow';
import { abilitiesFor, actions, actionsForSectionChange, can, canLeadMeeting, socketAccess, type Action, type Actor } from '../../server/policy';

/**
 * Design section 2, "Who may do what", written out cell by cell, independently
 * of the implementation. Each actor kind is seen from one section owned by OWN.
 */
const OWN = 'partner-own';
const OTHER = 'partner-other';
const ME = 'user-me';
const SOMEONE = 'user-someone';

type ActorKind = 'coordinator' | 'coordinator-own' | 'editor-own' | 'editor-other' | 'reviewer' | 'reviewer-other' | 'non-member';
const actorKinds: ActorKind[] = ['coordinator', 'coordinator-own', 'editor-own', 'editor-other', 'reviewer', 'reviewer-other', 'non-member'];

const actorOf: Record<ActorKind, Actor> = {
  coordinator: { userId: ME, membership: { role: 'coordinator', partnerId: OTHER } },
  'coordinator-own': { userId: ME, membership: { role: 'coordinator', partnerId: OWN } },
  'editor-own': { userId: ME, membership: { role: 'editor', partnerId: OWN } },
  'editor-other': { userId: ME, membership: { role: 'editor', partnerId: OTHER } },
  reviewer: { userId: ME, membership: { role: 'reviewer', partnerId: OWN } },
  'reviewer-other': { userId: ME, membership: { role: 'reviewer', partnerId: OTHER } },
  'non-member': { userId: ME, membership: null },
};

const unlocked = (s: SectionStatus) => s !== 'approved' && s !== 'final';
/** VRD7: while a section is in review, its owners wait; only the coordinator writes. */
const ownerMayWrite = (s: SectionStatus) => unlocked(s) && s !== 'in_review';
const notInReview = (s: SectionStatus) => s !== 'in_review';
const always = () => true;
const never = () => false;

/** action → actor kind → (status) → allowed, straight from the design table. */
const table: Record<Exclude<Action, 'thread.resolve'>, Record<ActorKind, (s: SectionStatus) => boolean>> = {
  // read the proposal and every section: every member; non-member 404
  'proposal.read': { coordinator: always, 'coordinator-own': always, 'editor-own': always, 'editor-other': always, reviewer: always, 'reviewer-other': always, 'non-member': never },
  // export is a read of the whole proposal
  'proposal.export': { coordinator: always, 'coordinator-own': always, 'editor-own': always, 'editor-other': always, reviewer: always, 'reviewer-other': always, 'non-member': never },
  // edit a section's text: coordinator every unlocked section; editor unlocked sections of their partner
  // VRD7: while in review, only the coordinator
  'section.edit': { coordinator: unlocked, 'coordinator-own': unlocked, 'editor-own': ownerMayWrite, 'editor-other': never, reviewer: never, 'reviewer-other': never, 'non-member': never },
  // comment, reply: every member
  'comment.create': { coordinator: always, 'coordinator-own': always, 'editor-own': always, 'editor-other': always, reviewer: always, 'reviewer-other': always, 'non-member': never },
  // assign owners, due dates; add partners; invite: coordinator only
  'proposal.manage': { coordinator: always, 'coordinator-own': always, 'editor-own': never, 'editor-other': never, reviewer: never, 'reviewer-other': never, 'non-member': never },
  // submit own section for review: coordinator, owner partner
  'section.submit': { coordinator: always, 'coordinator-own': always, 'editor-own': always, 'editor-other': never, reviewer: never, 'reviewer-other': never, 'non-member': never },
  // approve / request changes / reopen: coordinator only
  'section.review': { coordinator: always, 'coordinator-own': always, 'editor-own': never, 'editor-other': never, reviewer: never, 'reviewer-other': never, 'non-member': never },
  'section.reopen': { coordinator: always, 'coordinator-own': always, 'editor-own': never, 'editor-other': never, reviewer: never, 'reviewer-other': never, 'non-member': never },
  // blocked / not applicable: the coordinator, or the owner partner while unlocked
  'section.flag': { coordinator: always, 'coordinator-own': always, 'editor-own': unlocked, 'editor-other': never, reviewer: never, 'reviewer-other': never, 'non-member': never },
  // restore to a snapshot: the owner or the coordinator (issue 7); a locked section is then a 409, not a 403
  // VRD7: not by the owners while in review (a restore writes the text)
  'section.restore': { coordinator: always, 'coordinator-own': always, 'editor-own': notInReview, 'editor-other': never, reviewer: never, 'reviewer-other': never, 'non-member': never },
  // VRD1: give a verdict: every member whose partner does not own the section (coordinator, editor, reviewer alike); the status is a 409 after
  'section.verdict': {
    coordinator: always,
    'coordinator-own': never,
    'editor-own': never,
    'editor-other': always,
    reviewer: never,
    'reviewer-other': always,
    'non-member': never,
  },
};

const cells = Object.entries(table).flatMap(([action, byActor]) =>
  actorKinds.flatMap((kind) => sectionStatuses.map((status) => ({ action: action as Action, kind, status, expected: byActor[kind](status) }))),
);

describe('policy: design section 2 table', () => {
  it('POL1: the table names every action of the policy', () => {
    expect([...Object.keys(table), 'thread.resolve'].sort()).toEqual([...actions].sort());
  });

  it.each(cells)('POL1: $kind × $action × $status → $expected', ({ action, kind, status, expected }) => {
    expect(can(actorOf[kind], action, { ownerPartnerId: OWN, status })).toBe(expected);
  });

  // resolve a thread: coordinator yes; editor if author or owner of the section; reviewer if author
  const resolveExpected: Record<ActorKind, { author: boolean; notAuthor: boolean }> = {
    coordinator: { author: true, notAuthor: true },
    'coordinator-own': { author: true, notAuthor: true },
    'editor-own': { author: true, notAuthor: true },
    'editor-other': { author: true, notAuthor: false },
    reviewer: { author: true, notAuthor: false },
    'reviewer-other': { author: true, notAuthor: false },
    'non-member': { author: false, notAuthor: false },
  };
  const resolveCells = actorKinds.flatMap((kind) =>
    sectionStatuses.flatMap((status) => [
      { kind, status, author: true, expected: resolveExpected[kind].author },
      { kind, status, author: false, expected: resolveExpected[kind].notAuthor },
    ]),
  );
  it.each(resolveCells)('POL1: $kind × thread.resolve (author: $author) × $status → $expected', ({ kind, status, author, expected }) => {
    const subject = { authorId: author ? ME : SOMEONE, section: { ownerPartnerId: OWN, status } };
    expect(can(actorOf[kind], 'thread.resolve', subject)).toBe(expected);
  });

  it('POL1: section actions without a section subject are refused', () => {
    for (const kind of actorKinds) {
      for (const action of ['section.edit', 'section.submit', 'section.flag', 'thread.resolve'] as const) {
        expect(can(actorOf[kind], action)).toBe(false);
      }
    }
  });
});

describe('policy: abilities and section changes', () => {
  it.each(actorKinds.flatMap((kind) => sectionStatuses.map((status) => ({ kind, status }))))(
    'POL4: abilitiesFor($kind, $status) matches can()',
    ({ kind, status }) => {
      const actor = actorOf[kind];
      const section = { ownerPartnerId: OWN, status };
      const a = abilitiesFor(actor, section);
      expect(a.edit).toBe(can(actor, 'section.edit', section));
      expect(a.submit).toBe(can(actor, 'section.submit', section));
      expect(a.review).toBe(can(actor, 'section.review', section));
      expect(a.reopen).toBe(can(actor, 'section.reopen', section));
      expect(a.flag).toBe(can(actor, 'section.flag', section));
      expect(a.assign).toBe(can(actor, 'proposal.manage', section));
      expect(a.restore).toBe(can(actor, 'section.restore', section));
      // VRD3: the ability also needs a status that takes verdicts (not not_started, approved or final)
      expect(a.verdict).toBe(can(actor, 'section.verdict', section) && !['not_started', 'approved', 'final'].includes(status));
      const p = abilitiesFor(actor);
      expect(p).toEqual({
        read: can(actor, 'proposal.read'),
        manage: can(actor, 'proposal.manage'),
        comment: can(actor, 'comment.create'),
        export: can(actor, 'proposal.export'),
        review: can(actor, 'section.review'),
      });
    },
  );

  it('POL4: a reviewer gets no transitions; an owner editor may submit a draft; the coordinator may reopen', () => {
    expect(abilitiesFor(actorOf.reviewer, { ownerPartnerId: OWN, status: 'drafting' }).transitions).toEqual([]);
    expect(abilitiesFor(actorOf['editor-own'], { ownerPartnerId: OWN, status: 'drafting' }).transitions).toEqual(['ready_for_review']);
    expect(abilitiesFor(actorOf['editor-own'], { ownerPartnerId: OWN, status: 'approved' }).transitions).toEqual([]);
    expect(abilitiesFor(actorOf.coordinator, { ownerPartnerId: OWN, status: 'approved' }).transitions.sort()).toEqual(['drafting', 'final']);
  });

  it('POL5: owner and due date need proposal.manage; flags need section.flag; checklist needs section.edit', () => {
    const s = { ownerPartnerId: OWN, status: 'drafting' as const };
    expect(actionsForSectionChange(s, { ownerPartnerId: OTHER })).toEqual(['proposal.manage']);
    expect(actionsForSectionChange(s, { dueDate: null })).toEqual(['proposal.manage']);
    expect(actionsForSectionChange(s, { blocked: { reason: 'waiting for data' } })).toEqual(['section.flag']);
    expect(actionsForSectionChange(s, { checklist: [0] })).toEqual(['section.edit']);
    expect(actionsForSectionChange(s, { status: 'ready_for_review' })).toEqual(['section.submit']);
    expect(actionsForSectionChange(s, { status: 'drafting' })).toEqual([]);
  });

  it('POL3: a forbidden invalid move still needs the coordinator action (so it is 403, not 409)', () => {
    // drafting → approved is not a workflow step; it still needs section.review, which an editor lacks.
    const s = { ownerPartnerId: OWN, status: 'drafting' as const };
    const needed = actionsForSectionChange(s, { status: 'approved' });
    expect(needed).toEqual(['section.review']);
    expect(needed.every((a) => can(actorOf['editor-own'], a, s))).toBe(false);
  });
});

describe('policy: collab socket access', () => {
  /** The socket table, written out independently: what each actor kind gets on a section owned by OWN, and why. */
  const expectedSocket = (kind: ActorKind, status: SectionStatus): { access: string; reason: string } => {
    if (kind === 'non-member') return { access: 'none', reason: 'not_member' };
    const open = unlocked(status);
    if ((kind === 'coordinator' || kind === 'coordinator-own') && open) return { access: 'write', reason: 'coordinator' };
    if (kind === 'editor-own' && open && status !== 'in_review') return { access: 'write', reason: 'owner' };
    if (!open) return { access: 'read', reason: 'locked' };
    if (kind === 'editor-own') return { access: 'read', reason: 'in_review' };
    return { access: 'read', reason: kind === 'reviewer' || kind === 'reviewer-other' ? 'reviewer' : 'not_owner' };
  };
  const socketCells = actorKinds.flatMap((kind) => sectionStatuses.map((status) => ({ kind, status })));

  it.each(socketCells)('SVC2: socketAccess for $kind on a $status section', ({ kind, status }) => {
    const section = { ownerPartnerId: OWN, status };
    const answer = socketAccess(actorOf[kind], section);
    expect(answer).toEqual(expectedSocket(kind, status));
    // Write exactly when the REST side may edit the text: one rule for both paths.
    expect(answer.access === 'write').toBe(can(actorOf[kind], 'section.edit', section));
  });
});

describe('policy: leading a meeting', () => {
  it('SEC28 only the facilitator leads, and only while they may start a meeting (a demoted facilitator loses the projector)', () => {
    const meeting = { facilitatorId: ME };
    const leads = actorKinds.map((kind) => [kind, canLeadMeeting(actorOf[kind], meeting)] as const);
    expect(leads).toEqual(actorKinds.map((kind) => [kind, kind === 'coordinator' || kind === 'coordinator-own'] as const));
    expect(canLeadMeeting(actorOf.coordinator, { facilitatorId: SOMEONE })).toBe(false);
    expect(canLeadMeeting(actorOf.coordinator, { facilitatorId: null })).toBe(false);
  });
});
