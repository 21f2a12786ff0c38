/**
 * Every action an audit event may record: the ONE list. `recordAudit` takes only
 * these, and the activity feed has a message `audit.<action>` for each in all
 * five languages (a unit test fails otherwise). Adding an action: append it
 * here, and its message to shared/i18n/features/activity.ts.
 *
 * Each action's `data` stays simple (ids, names, numbers, role and status
 * codes): the client turns it into a sentence in the reader's language.
 */
export const auditActions = [
  'proposal.created',
  'proposal.exported',
  'proposal.submitted',
  'partner.added',
  'partner.updated',
  'partner.removed',
  'member.joined',
  'member.updated',
  'member.removed',
  'invitation.created',
  'invitation.bulk_created',
  'invitation.revoked',
  'section.owner_changed',
  'section.due_date_changed',
  'section.status_changed',
  'section.approved',
  'section.blocked',
  'section.unblocked',
  'section.not_applicable',
  'section.applicable',
  'section.checklist_changed',
  'section.items_changed',
  'section.restored',
  'section.repaired',
  'section.verdict_given',
  'section.verdict_withdrawn',
  'section.verdicts_reset',
  'thread.resolved',
  'thread.reopened',
  'snapshot.created',
  'snapshot.deleted',
  'meeting.started',
  'meeting.ended',
] as const;

export type AuditAction = (typeof auditActions)[number];

export function isAuditAction(value: string): value is AuditAction {
  return (auditActions as readonly string[]).includes(value);
}
