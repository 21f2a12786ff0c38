import { useEffect, useState } from 'react';
import { localeTags } from '../../../shared/i18n';
import { errorText } from '../../errors';
import { useI18n, type I18n } from '../../i18n';
import { isAuditAction, type AuditAction } from '../../../shared/audit-actions';
import type { AuditEvent, Proposal, SectionStatus } from '../../../shared/schemas';
import { roleSchema, type Role } from '../../../shared/schemas/common';
import { snapshotLabelOfData } from '../history/snapshot-label';
import { sectionStatuses } from '../../../shared/workflow';
import { useStreamEvents } from '../events/use-proposal-stream';
import { reviewApi } from './review-api';
import './review.css';

const MAX_EVENTS = 50;

type Describe = Pick<I18n, 't' | 'date'>;

/** One audit event as a sentence in the reader's language (TPL5): every action of shared/audit-actions.ts has its own message; an unknown one (from a newer server) a generic one, never the raw code. */
export function describeEvent(e: AuditEvent, proposal: Proposal, { t, date }: Describe): string {
  const data = e.data;
  const str = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : '');
  const num = (k: string) => (typeof data[k] === 'number' ? (data[k] as number) : 0);
  const actor = e.actorName ?? t('activity.someone');
  const s = proposal.sections.find((x) => x.id === e.sectionId);
  const section = s ? `${s.number} ${s.title}` : t('activityFeed.aSection');
  const partner = (id: unknown, stored = '') => proposal.partners.find((p) => p.id === id)?.name ?? (stored || t('activityFeed.aPartner'));
  const member = (id: unknown, stored = '') => proposal.members.find((m) => m.userId === id)?.name ?? (stored || t('activityFeed.aMember'));
  const status = (value: unknown) => (isStatus(value) ? t(`status.${value}`) : '—');
  const role = (value: unknown) => (isRole(value) ? t(`role.${value}`) : t('activityFeed.aMember'));
  /** A change recorded as `{from, to}` (member.updated) or as the new value alone. */
  const after = (value: unknown) => (typeof value === 'object' && value !== null && 'to' in value ? (value as { to: unknown }).to : value);
  if (!isAuditAction(e.action)) return e.sectionId ? t('activityFeed.unknownInSection', { actor, section }) : t('activityFeed.unknown', { actor });
  const action: AuditAction = e.action;
  switch (action) {
    case 'proposal.created':
      return t('audit.proposal.created', { actor, title: str('title') || proposal.title });
    case 'proposal.exported':
      return t('audit.proposal.exported', { actor, format: str('format').toUpperCase() });
    case 'proposal.submitted':
      return t('audit.proposal.submitted', { actor });
    case 'partner.added':
      return t('audit.partner.added', { actor, partner: str('name') || partner(data.partnerId), town: str('town') });
    case 'partner.updated':
      return t('audit.partner.updated', { actor, partner: partner(data.partnerId, str('name')) });
    case 'partner.removed':
      return t('audit.partner.removed', {
        actor,
        partner: str('name') || t('activityFeed.aPartner'),
        sections: num('reassignedSections'),
        members: num('movedMembers'),
        to: partner(data.to, str('toName')),
      });
    case 'member.joined':
      return t('audit.member.joined', { actor, role: role(data.role), partner: partner(data.partnerId) });
    case 'member.updated':
      // A partner's removal moves its members without a role change: their role is then the one they hold.
      return t('audit.member.updated', {
        actor,
        member: member(data.userId, str('name')),
        role: role(after(data.role) ?? proposal.members.find((m) => m.userId === data.userId)?.role),
        partner: partner(after(data.partnerId)),
      });
    case 'member.removed':
      return t('audit.member.removed', { actor, member: member(data.userId, str('name')), role: role(data.role), partner: partner(data.partnerId) });
    case 'invitation.created':
      return t('audit.invitation.created', { actor, uses: num('maxUses') || 1, role: role(data.role), partner: partner(data.partnerId) });
    case 'invitation.bulk_created':
      return t('audit.invitation.bulk_created', { actor, count: num('count'), role: role(data.role), partner: partner(data.partnerId) });
    case 'invitation.revoked':
      return t('audit.invitation.revoked', { actor });
    case 'section.owner_changed':
      return t('audit.section.owner_changed', { actor, section, partner: partner(data.to) });
    case 'section.due_date_changed':
      return t('audit.section.due_date_changed', { actor, section, cleared: str('to') ? 'no' : 'yes', date: str('to') ? date(str('to')) : '' });
    case 'section.status_changed':
      return t('audit.section.status_changed', { actor, section, from: status(data.from), to: status(data.to), auto: data.auto === true ? 'yes' : 'no' });
    case 'section.approved':
      return t('audit.section.approved', { actor, section, justified: str('justification') ? 'yes' : 'no', justification: str('justification') });
    case 'section.blocked':
      return t('audit.section.blocked', { actor, section, reason: str('reason') });
    case 'section.unblocked':
      return t('audit.section.unblocked', { actor, section });
    case 'section.not_applicable':
      return t('audit.section.not_applicable', { actor, section, reason: str('justification') });
    case 'section.applicable':
      return t('audit.section.applicable', { actor, section });
    case 'section.checklist_changed':
      return t('audit.section.checklist_changed', { actor, section, count: Array.isArray(data.to) ? data.to.length : 0 });
    case 'section.items_changed':
      return t('audit.section.items_changed', { actor, section, count: Array.isArray(data.to) ? data.to.length : 0 });
    case 'section.restored':
      return t('audit.section.restored', { actor, section, name: snapshotLabelOfData(data, t) });
    case 'section.repaired':
      return t('audit.section.repaired', { actor, section });
    case 'section.verdict_given':
      return t('audit.section.verdict_given', { actor, section, verdict: str('verdict') === 'ready' ? 'ready' : 'needs_changes' });
    case 'section.verdict_withdrawn':
      return t('audit.section.verdict_withdrawn', { actor, section });
    case 'section.verdicts_reset':
      return t('audit.section.verdicts_reset', { section, count: num('count') });
    case 'thread.resolved':
      return t('audit.thread.resolved', { actor, section });
    case 'thread.reopened':
      return t('audit.thread.reopened', { actor, section });
    case 'snapshot.created':
      return t('audit.snapshot.created', { actor, name: snapshotLabelOfData(data, t) });
    case 'snapshot.deleted':
      return t('audit.snapshot.deleted', { actor, name: snapshotLabelOfData(data, t) });
    case 'meeting.started':
      return t('audit.meeting.started', { actor, meeting: str('name'), city: str('city') });
    case 'meeting.ended':
      return t('audit.meeting.ended', { actor, meeting: str('name') });
    default: {
      const never: never = action;
      return String(never);
    }
  }
}

const isStatus = (value: unknown): value is SectionStatus => typeof value === 'string' && (sectionStatuses as readonly string[]).includes(value);
const isRole = (value: unknown): value is Role => typeof value === 'string' && (roleSchema.options as readonly string[]).includes(value);

/** The proposal's activity feed: the audit log, newest first, with live additions from the stream. */
export function ActivityFeed({ proposal }: { proposal: Proposal }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const [events, setEvents] = useState<readonly AuditEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    reviewApi.audit(proposal.id).then(
      (res) => live && setEvents(res.events.slice(0, MAX_EVENTS)),
      (err: unknown) => live && setError(errorText(err, i18n)),
    );
    return () => {
      live = false;
    };
  }, [proposal.id]);

  useStreamEvents(proposal.id, (event) => {
    if (event.type !== 'activity') return;
    setEvents((prev) => {
      const list = prev ?? [];
      if (list.some((x) => x.id === event.event.id)) return list;
      return [event.event, ...list].slice(0, MAX_EVENTS);
    });
  });

  return (
    <section className="activity" aria-labelledby="activity-heading" data-testid="activity-feed">
      <h2 id="activity-heading">{t('activity.title')}</h2>
      {error && <p className="field__error">{error}</p>}
      {events === null && !error && <p className="muted">{t('common.loading')}</p>}
      {events && events.length === 0 && <p className="muted">{t('activity.none')}</p>}
      {/* A11Y1: the list scrolls (max-height), so it takes keyboard focus to scroll it. */}
      <ol className="activity__list" aria-live="polite" aria-labelledby="activity-heading" tabIndex={0}>
        {(events ?? []).map((e) => (
          <li key={e.id} className="activity__item" data-action={e.action}>
            <span>{describeEvent(e, proposal, i18n)}</span>{' '}
            <time className="muted" dateTime={e.createdAt}>
              {new Date(e.createdAt).toLocaleString(localeTags[locale], { dateStyle: 'short', timeStyle: 'short' })}
            </time>
          </li>
        ))}
      </ol>
    </section>
  );
}
