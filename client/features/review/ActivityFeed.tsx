import { useEffect, useState } from 'react';
import { localeTags } from '../../../shared/i18n';
import { errorText } from '../../errors';
import { useI18n, type I18n } from '../../i18n';
import type { AuditEvent, Proposal, SectionStatus } from '../../../shared/schemas';
import { sectionStatuses } from '../../../shared/workflow';
import { useStreamEvents } from '../events/use-proposal-stream';
import { reviewApi } from './review-api';
import './review.css';

const MAX_EVENTS = 50;

function statusName(value: unknown, t: I18n['t']): string {
  return typeof value === 'string' && (sectionStatuses as readonly string[]).includes(value) ? t(`status.${value as SectionStatus}`) : String(value ?? '');
}

/** One audit event as a sentence in the interface language. */
export function describeEvent(e: AuditEvent, proposal: Proposal, t: I18n['t']): string {
  const actor = e.actorName ?? t('activity.someone');
  const s = proposal.sections.find((x) => x.id === e.sectionId);
  const section = s ? `${s.number} ${s.title}` : '';
  const str = (k: string) => (typeof e.data[k] === 'string' ? (e.data[k] as string) : '');
  switch (e.action) {
    case 'section.status_changed':
      return t('activity.statusChanged', { actor, section, from: statusName(e.data.from, t), to: statusName(e.data.to, t) });
    case 'section.approved':
      return t('activity.approved', { actor, section });
    case 'section.blocked':
      return t('activity.blocked', { actor, section, reason: str('reason') });
    case 'section.unblocked':
      return t('activity.unblocked', { actor, section });
    case 'section.not_applicable':
      return t('activity.notApplicable', { actor, section, reason: str('justification') });
    case 'section.applicable':
      return t('activity.applicable', { actor, section });
    case 'section.restored':
      return t('activity.restored', { actor, section, name: str('name') });
    case 'snapshot.created':
      return t('activity.snapshotCreated', { actor, name: str('name') });
    case 'snapshot.deleted':
      return t('activity.snapshotDeleted', { actor, name: str('name') });
    case 'section.owner_changed':
      return t('activity.ownerChanged', { actor, section, partner: proposal.partners.find((p) => p.id === e.data.to)?.name ?? '?' });
    default:
      return t('activity.other', { actor, action: e.action, section });
  }
}

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
      <ol className="activity__list" aria-live="polite">
        {(events ?? []).map((e) => (
          <li key={e.id} className="activity__item" data-action={e.action}>
            <span>{describeEvent(e, proposal, t)}</span>{' '}
            <time className="muted" dateTime={e.createdAt}>
              {new Date(e.createdAt).toLocaleString(localeTags[locale], { dateStyle: 'short', timeStyle: 'short' })}
            </time>
          </li>
        ))}
      </ol>
    </section>
  );
}
