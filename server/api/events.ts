import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { StreamEvent } from '../../shared/schemas/review';
import type { AppEnv } from '../app-env';
import { findMembership } from '../db/members';
import type { DomainEvent } from '../events';
import type { PresenceSections } from '../collab/presence';
import { presentAuditEvent } from '../presenters';
import { proposalMember } from './member-loader';

/** A comment line keeps proxies from closing an idle stream. */
export const heartbeatMs = 20_000;

/** The stream's view of one domain event: what to send, and whether the member's rights must be re-read. */
function translate(e: DomainEvent, proposalId: string, userId: string): { out: StreamEvent | null; recheck: boolean } {
  const none = { out: null, recheck: false };
  if (!('proposalId' in e) || e.proposalId !== proposalId) return none;
  switch (e.type) {
    case 'section.changed':
    case 'verdicts.changed': // the section (its verdicts) is read again; no rights changed
      return { out: { type: 'section', sectionId: e.sectionId }, recheck: false };
    case 'section.restored': {
      const { sectionId, snapshotId, snapshotLabel, backupSnapshotId, by } = e;
      return { out: { type: 'restored', sectionId, snapshotId, snapshotLabel, backupSnapshotId, by }, recheck: false };
    }
    case 'member.changed':
      return { out: { type: 'proposal' }, recheck: e.userId === userId };
    case 'partner.changed':
      return { out: { type: 'proposal' }, recheck: false };
    case 'comment.changed':
      return { out: { type: 'comment', sectionId: e.sectionId, threadId: e.threadId }, recheck: false };
    case 'mention':
      return e.userId === userId ? { out: { type: 'mention', sectionId: e.sectionId, threadId: e.threadId, by: e.by }, recheck: false } : none;
    case 'completeness.changed':
      return { out: { type: 'completeness', sectionId: e.sectionId, chars: e.chars, score: e.score }, recheck: false };
    case 'meeting.changed':
      return { out: { type: 'meeting', meetingId: e.meetingId }, recheck: false };
    case 'meeting.focus':
      return { out: { type: 'focus', meetingId: e.meetingId, sectionId: e.sectionId, scroll: e.scroll }, recheck: false };
    case 'snapshots.changed': // its activity entry comes through the proposal's activity reader
    case 'presence.changed': // merged per instance by the stream itself
      return none;
  }
}

/**
 * `GET /api/proposals/:id/events`: server-sent events for members (404 for
 * anyone else). Carries ids and small payloads, never section text. Activity
 * entries come from the proposal's one reader (ctx.streams), which reads the
 * audit table once per burst of events for all the proposal's streams. When the
 * member's own role or partner changes, the stream re-reads it: it sends
 * `rights` (the client refetches its abilities and stops leading a meeting), or
 * ends once they are removed (SEC28). The user's oldest stream past
 * `limits.maxEventStreamsPerUser` gets `superseded` and ends (SEC27).
 */
export function eventRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/proposals/:id/events', proposalMember(), async (c) => {
    const { user, session, proposal, actor } = c.var.member;
    const proposalId = proposal.id;
    const ctx = c.get('ctx');
    c.header('Cache-Control', 'no-cache, no-transform');
    c.header('X-Accel-Buffering', 'no');

    return streamSSE(c, async (stream) => {
      const queue: StreamEvent[] = [];
      let recheckDue = false;
      let membership = actor.membership;
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
      let superseded = false;
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
        recheckDue ||= t.recheck;
        if (t.out || t.recheck) nudge();
      });
      const handle = ctx.streams.open(user.id, proposalId, {
        activity(rows) {
          for (const row of rows) queue.push({ type: 'activity', event: presentAuditEvent(row) });
          nudge();
        },
        superseded() {
          superseded = true;
          nudge();
        },
      });
      stream.onAbort(() => {
        unsubscribe();
        handle.close();
        nudge();
      });

      try {
        while (!stream.aborted && !stream.closed && !ended) {
          if (queue.length === 0 && !recheckDue && !superseded) {
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
          if (superseded) {
            const last: StreamEvent = { type: 'superseded' };
            await stream.writeSSE({ event: last.type, data: JSON.stringify(last) });
            break;
          }
          if (recheckDue) {
            recheckDue = false;
            const now = await findMembership(ctx.db, proposalId, user.id);
            if (!now) break;
            if (now.role !== membership.role || now.partnerId !== membership.partnerId) queue.push({ type: 'rights', role: now.role, partnerId: now.partnerId });
            membership = now;
          }
          while (queue.length > 0 && !stream.aborted) {
            const e = queue.shift()!;
            await stream.writeSSE({ event: e.type, data: JSON.stringify(e) });
          }
        }
      } finally {
        unsubscribe();
        handle.close();
      }
    });
  });

  return r;
}
