import type { Role, SectionStatus } from '../shared/schemas/common';
import type { ProposalAbilities, SectionAbilities, UpdateSectionInput } from '../shared/schemas/domain';
import { actionForStatusChange, isLocked, nextStatuses, takesVerdicts } from '../shared/workflow';
import { findMembership } from './db/members';
import { findSectionById, type SectionRow } from './db/sections';
import type { Sql } from './db/sql';
import { forbidden, notFound } from './errors';

/**
 * EVERY permission decision of Twinpad, for REST and WebSocket alike
 * (design section 2, "Who may do what"). Routers and the collab route ask
 * `can()`; responses carry `abilitiesFor()` so the UI shows what is enforced here.
 */

export type Action =
  /** Read the proposal, every section, the members and the activity feed. */
  | 'proposal.read'
  /** Assign owners and due dates, add/rename/remove partners, invite, change roles. */
  | 'proposal.manage'
  /** Export the proposal as a document. */
  | 'proposal.export'
  /** Edit a section's text (and tick its guidance prompts). */
  | 'section.edit'
  /** Comment and reply anywhere. */
  | 'comment.create'
  /** Resolve or reopen a comment thread. */
  | 'thread.resolve'
  /** Submit a section for review (or withdraw it). */
  | 'section.submit'
  /** Start review, approve, request changes, finalise. */
  | 'section.review'
  /** Reopen an approved or final section. */
  | 'section.reopen'
  /** Set or clear the blocked and not-applicable flags. */
  | 'section.flag'
  /** Restore a section to a snapshot: the owner partner's editors and coordinators. Whether it is locked is asked after (409). */
  | 'section.restore'
  /**
   * Give a verdict ("ready" / "needs changes") on a section: every member whose partner
   * does NOT own it (VRD1). Whether the section's status takes verdicts is asked after (409).
   */
  | 'section.verdict';

export const actions = [
  'proposal.read',
  'proposal.manage',
  'proposal.export',
  'section.edit',
  'comment.create',
  'thread.resolve',
  'section.submit',
  'section.review',
  'section.reopen',
  'section.flag',
  'section.restore',
  'section.verdict',
] as const satisfies readonly Action[];

export interface Actor {
  userId: string;
  /** Null for a non-member: every proposal resource answers 404. */
  membership: { role: Role; partnerId: string } | null;
}

export interface SectionSubject {
  ownerPartnerId: string;
  status: SectionStatus;
}

export interface ThreadSubject {
  authorId: string;
  section: SectionSubject;
}

export type Subject = SectionSubject | ThreadSubject | undefined;

const isThread = (s: Subject): s is ThreadSubject => s !== undefined && 'authorId' in s;
const isSection = (s: Subject): s is SectionSubject => s !== undefined && 'status' in s;

/** Whether `actor` may take `action` on `subject` (a section, or a thread for `thread.resolve`). */
export function can(actor: Actor, action: Action, subject?: Subject): boolean {
  const m = actor.membership;
  if (!m) return false;
  const coordinator = m.role === 'coordinator';
  const editor = m.role === 'editor';
  const ownsSection = (s: SectionSubject) => s.ownerPartnerId === m.partnerId;

  switch (action) {
    case 'proposal.read':
    case 'comment.create':
    case 'proposal.export':
      return true;
    case 'proposal.manage':
    case 'section.review':
    case 'section.reopen':
      return coordinator;
    case 'section.edit':
    case 'section.restore': {
      // While a section is in review, only the coordinator writes; its owners wait for the verdict (VRD7).
      if (!isSection(subject) || (action === 'section.edit' && isLocked(subject.status))) return false;
      return coordinator || (editor && ownsSection(subject) && subject.status !== 'in_review');
    }
    case 'section.submit':
      if (!isSection(subject)) return false;
      return coordinator || (editor && ownsSection(subject));
    case 'section.verdict':
      if (!isSection(subject)) return false;
      return !ownsSection(subject);
    case 'section.flag':
      if (!isSection(subject)) return false;
      return coordinator || (editor && ownsSection(subject) && !isLocked(subject.status));
    case 'thread.resolve': {
      if (!isThread(subject)) return false;
      if (coordinator || subject.authorId === actor.userId) return true;
      return editor && ownsSection(subject.section);
    }
  }
}

/**
 * A collab socket's access to a section: `none` refuses the upgrade (or closes an
 * open socket), `read` makes it read-only, `write` read-write. The reason is a
 * code for logs and refusals, never a sentence.
 */
export type SocketAccessReason = 'not_member' | 'coordinator' | 'owner' | 'locked' | 'in_review' | 'reviewer' | 'not_owner';
export interface SocketAccess {
  access: 'none' | 'read' | 'write';
  reason: SocketAccessReason;
}

/**
 * The one decision for collab sockets, asked once at the upgrade and again for
 * every affected socket when rights change. Write exactly when `can(actor,
 * 'section.edit', section)`; read for any other member.
 */
export function socketAccess(actor: Actor, section: SectionSubject): SocketAccess {
  const m = actor.membership;
  if (!m || !can(actor, 'proposal.read')) return { access: 'none', reason: 'not_member' };
  if (can(actor, 'section.edit', section)) return { access: 'write', reason: m.role === 'coordinator' ? 'coordinator' : 'owner' };
  if (isLocked(section.status)) return { access: 'read', reason: 'locked' };
  if (section.status === 'in_review' && m.role === 'editor' && section.ownerPartnerId === m.partnerId) return { access: 'read', reason: 'in_review' };
  return { access: 'read', reason: m.role === 'reviewer' ? 'reviewer' : 'not_owner' };
}

/**
 * Editing and deleting one comment (not actions of the design table, so kept
 * apart from `can`): members edit only their own comments; they delete their
 * own, and the coordinator may delete any (moderation). Deleting is a soft
 * delete that keeps the thread readable.
 */
export function canChangeComment(actor: Actor, change: 'edit' | 'delete', comment: { authorId: string | null; deleted: boolean }): boolean {
  const m = actor.membership;
  if (!m || comment.deleted) return false;
  if (comment.authorId === actor.userId) return true;
  return change === 'delete' && m.role === 'coordinator';
}

/**
 * Only the facilitator who started a meeting moves the projector's focus, and only
 * while they still hold the role that may start one (`proposal.manage`): a
 * facilitator who is demoted loses the projector at once (SEC28).
 */
export function canLeadMeeting(actor: Actor, meeting: { facilitatorId: string | null }): boolean {
  return meeting.facilitatorId === actor.userId && can(actor, 'proposal.manage');
}

/** Throws 404 for a non-member (the proposal stays invisible) and 403 for a member who may not. */
export function authorize(actor: Actor, action: Action, subject?: Subject): void {
  if (!actor.membership) throw notFound('Proposal');
  if (!can(actor, action, subject)) throw forbidden();
}

/** Throws 404 unless `actor` is a member: the first check on every proposal resource. */
export function requireMember(actor: Actor, what = 'Proposal'): asserts actor is Actor & { membership: NonNullable<Actor['membership']> } {
  if (!actor.membership) throw notFound(what);
}

/**
 * The actions a section PATCH needs, in the order they are checked. Status
 * changes need the workflow action of the step (checked before the step's
 * validity, so forbidden beats invalid).
 */
export function actionsForSectionChange(section: SectionSubject, change: UpdateSectionInput): Action[] {
  const needed: Action[] = [];
  if (change.ownerPartnerId !== undefined || change.dueDate !== undefined) needed.push('proposal.manage');
  if (change.blocked !== undefined || change.notApplicable !== undefined) needed.push('section.flag');
  if (change.checklist !== undefined || change.itemsPresent !== undefined) needed.push('section.edit');
  if (change.status !== undefined && change.status !== section.status) needed.push(actionForStatusChange(section.status, change.status));
  return needed;
}

export function proposalAbilities(actor: Actor): ProposalAbilities {
  return {
    read: can(actor, 'proposal.read'),
    manage: can(actor, 'proposal.manage'),
    comment: can(actor, 'comment.create'),
    export: can(actor, 'proposal.export'),
    review: can(actor, 'section.review'),
  };
}

export function sectionAbilities(actor: Actor, section: SectionSubject): SectionAbilities {
  return {
    edit: can(actor, 'section.edit', section),
    comment: can(actor, 'comment.create', section),
    submit: can(actor, 'section.submit', section),
    review: can(actor, 'section.review', section),
    reopen: can(actor, 'section.reopen', section),
    flag: can(actor, 'section.flag', section),
    assign: can(actor, 'proposal.manage', section),
    restore: can(actor, 'section.restore', section),
    verdict: can(actor, 'section.verdict', section) && takesVerdicts(section.status),
    transitions: nextStatuses(section.status).filter((to) => can(actor, actionForStatusChange(section.status, to), section)),
  };
}

/** The booleans the UI needs: for a proposal, or for one section. */
export function abilitiesFor(actor: Actor): ProposalAbilities;
export function abilitiesFor(actor: Actor, section: SectionSubject): SectionAbilities;
export function abilitiesFor(actor: Actor, section?: SectionSubject): ProposalAbilities | SectionAbilities {
  return section ? sectionAbilities(actor, section) : proposalAbilities(actor);
}

/** The caller's standing in a proposal. */
export async function loadActor(db: Sql, userId: string, proposalId: string): Promise<Actor> {
  return { userId, membership: await findMembership(db, proposalId, userId) };
}

/** A section and the caller as an actor of its proposal; 404 (as `what`) for an unknown section or a non-member alike. */
export async function loadMemberSection(db: Sql, userId: string, sectionId: string, what = 'Section'): Promise<{ section: SectionRow; actor: Actor }> {
  const section = await findSectionById(db, sectionId);
  if (!section) throw notFound(what);
  const actor = await loadActor(db, userId, section.proposalId);
  if (!actor.membership) throw notFound(what);
  return { section, actor };
}
