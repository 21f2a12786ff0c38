import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { StreamEvent } from '../../shared/schemas/review';
import type { AppEnv } from '../app-env';
import { auditAfter, latestAuditId } from '../db/activity';
import { findMembership } from '../db/members';
import type { DomainEvent } from '../events';
import type { PresenceSections } from '../collab/presence';
import { presentAuditEvent } from '../presenters';
import { proposalMember } from './member-loader';

/** A comment line keeps proxies from closing an idle stream. */
export const heartbeatMs = 20_000;

/** The stream's view of one domain event: what to send, and whether the activity feed may have grown. */
function translate(e: DomainEvent, proposalId: string, userId: string): { out: StreamEvent | null; activity: boolean; recheck: boolean } {
  const none = { out: null, activity: false, recheck: false };
  if (!('proposalId' in e) || e.proposalId !== proposalId) return none;
  switch (e.type) {
    case 'section.changed':
      return { out: { type: 'section', sectionId: e.sectionId }, activity: true, recheck: false };
    case 'section.restored': {
      const { sectionId, snapshotId, snapshotName, snapshotKind, backupSnapshotId, by } = e;
      return { out: { type: 'restored', sectionId, snapshotId, snapshotName, snapshotKind, backupSnapshotId, by }, activity: true, recheck: false };
    }
    case 'member.changed':
      return { out: { type: 'proposal' }, activity: true, recheck: e.userId === userId };
    case 'partner.changed':
      return { out: { type: 'proposal' }, activity: true, recheck: false };
    case 'comment.changed':
      return { out: { type: 'comment', sectionId: e.sectionId, threadId: e.threadId }, activity: true, recheck: false };
    case 'mention':
      return e.userId === userId ? { out: { type: 'mention', sectionId: e.sectionId, threadId: e.threadId, by: e.by }, activity: false, recheck: false } : none;
    case 'completeness.changed':
      return { out: { type: 'completeness', sectionId: e.sectionId, chars: e.chars, score: e.score }, activity: false, recheck: false };
    case 'meeting.changed':
      return { out: { type: 'meeting', meetingId: e.meetingId }, activity: true, recheck: false };
    case 'meeting.focus':
      return { out: { type: 'focus', meetingId: e.meetingId, sectionId: e.sectionId, scroll: e.scroll }, activity: false, recheck: false };
    case 'presence.changed':
      return none; // merged per instance by the stream itself
  }
}

/**
 * `GET /api/proposals/:id/events`: server-sent events for members (404 for
 * anyone else). Carries ids and small payloads, never section text. Activity
 * entries are read from the audit table after every event that may have
 * written one, so nothing recorded is skipped. A member who is removed has
 * their stream ended.
 */
export function eventRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/proposals/:id/events', proposalMember(), async (c) => {
    const { user, session, proposal } = c.var.member;
    const proposalId = proposal.id;
    const ctx = c.get('ctx');
    let lastAudit = await latestAuditId(ctx.db, proposalId);
    c.header('Cache-Control', 'no-cache, no-transform');
    c.header('X-Accel-Buffering', 'no');

    return streamSSE(c, async (stream) => {
      const queue: StreamEvent[] = [];
      let activityDue = false;
      let recheckDue = false;
      let wake: (() => void) | null = null;
      const nudge = () => wake?.();
      // Presence: this instance's view now, then every instance's published view, merged.
      const views = new Map<string, PresenceSections>();
      const own = ctx.collab.presence(proposalId);
      views.set(own.instanceId, own.sections);
      const presence = (): StreamEvent => {
        const sections: PresenceSections = {};
        for (const view of views.values()) {
          for (const [sectionId, users] of Object.entries(view)) {
            const merged = (sections[sectionId] ??= []);
            for (const u of users) if (!merged.some((m) => m.id === u.id)) merged.push(u);
          }
        }
        return { type: 'presence', sections };
      };
      queue.push(presence());

      let ended = false;
      const unsubscribe = ctx.events.subscribe((e) => {
        // Signing out ends the session's streams too.
        if ((e.type === 'session.ended' && e.sessionId === session.id) || (e.type === 'sessions.ended' && e.userId === user.id && e.keepSessionId !== session.id)) {
          ended = true;
          return nudge();
        }
        if (e.type === 'presence.changed') {
          if (e.proposalId !== proposalId) return;
          views.set(e.instanceId, e.sections);
          queue.push(presence());
          return nudge();
        }
        const t = translate(e, proposalId, user.id);
        if (t.out) queue.push(t.out);
        activityDue ||= t.activity;
        recheckDue ||= t.recheck;
        if (t.out || t.activity || t.recheck) nudge();
      });
      stream.onAbort(() => {
        unsubscribe();
        nudge();
      });

      try {
        while (!stream.aborted && !stream.closed && !ended) {
          if (queue.length === 0 && !activityDue && !recheckDue) {
            let timer: NodeJS.Timeout | undefined;
            const beat = await new Promise<boolean>((resolve) => {
              wake = () => resolve(false);
              timer = setTimeout(() => resolve(true), heartbeatMs);
            });
            wake = null;
            clearTimeout(timer);
            if (stream.aborted || ended) break;
            if (beat) {
              await stream.write(': heartbeat\n\n');
              continue;
            }
          }
          if (recheckDue) {
            recheckDue = false;
            if (!(await findMembership(ctx.db, proposalId, user.id))) break;
          }
          if (activityDue) {
            activityDue = false;
            for (const row of await auditAfter(ctx.db, proposalId, lastAudit)) {
              lastAudit = Math.max(lastAudit, row.id);
              queue.push({ type: 'activity', event: presentAuditEvent(row) });
            }
          }
          while (queue.length > 0 && !stream.aborted) {
            const e = queue.shift()!;
            await stream.writeSSE({ event: e.type, data: JSON.stringify(e) });
          }
        }
      } finally {
        unsubscribe();
      }
    });
  });

  return r;
}
