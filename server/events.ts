import type { SnapshotLabel } from '../shared/schemas/history';

/**
 * Domain events inside one process. Commands publish them after their
 * transaction commits; rooms re-check socket rights, the event stream forwards
 * them to browsers, and (with REDIS_URL) the fan-out relays them to other instances.
 */
export type DomainEvent =
  /** A section's owner, status, flags or due date changed: its sockets re-check their rights. */
  | { type: 'section.changed'; proposalId: string; sectionId: string }
  /**
   * `by` restored the section to snapshot `snapshotId` (`snapshotLabel`); the live text it
   * replaced is kept in snapshot `backupSnapshotId`. Open editors of the section are told.
   */
  | {
      type: 'section.restored';
      proposalId: string;
      sectionId: string;
      snapshotId: string;
      snapshotLabel: SnapshotLabel;
      backupSnapshotId: string;
      by: { id: string; name: string };
    }
  /** A member joined, changed role or partner, or was removed: their sockets re-check. */
  | { type: 'member.changed'; proposalId: string; userId: string }
  /** A partner was added, renamed or removed. */
  | { type: 'partner.changed'; proposalId: string; partnerId: string }
  /** Every session of this user except `keepSessionId` ended (logout everywhere, password change). */
  | { type: 'sessions.ended'; userId: string; keepSessionId: string | null }
  /** One session ended (logout). */
  | { type: 'session.ended'; userId: string; sessionId: string }
  /** A comment thread was created, replied to, edited, resolved, reopened or deleted. */
  | { type: 'comment.changed'; proposalId: string; sectionId: string; threadId: string }
  /** `userId` was @mentioned by `by` (a user id) in a comment of the thread. */
  | { type: 'mention'; proposalId: string; sectionId: string; threadId: string; userId: string; by: string }
  /** A workshop meeting started or ended. */
  | { type: 'meeting.changed'; proposalId: string; meetingId: string }
  /** A member gave, replaced or withdrew a verdict on the section, or its verdicts went stale (VRD1, VRD5). */
  | { type: 'verdicts.changed'; proposalId: string; sectionId: string }
  /** A manual snapshot was taken or deleted (its activity entry tells the history pages). */
  | { type: 'snapshots.changed'; proposalId: string }
  /** The meeting's facilitator moved to a section and scroll position (0..1): projectors follow. */
  | { type: 'meeting.focus'; proposalId: string; meetingId: string; sectionId: string | null; scroll: number }
  /** A section's stored character count (and so its meter) changed after persisted edits. */
  | { type: 'completeness.changed'; proposalId: string; sectionId: string; chars: number; score: number }
  /** Who is in which section of the proposal, as one instance sees its own sockets. */
  | {
      type: 'presence.changed';
      proposalId: string;
      instanceId: string;
      sections: Record<string, { id: string; name: string; color: string; country: string | null }[]>;
    };

export type DomainEventType = DomainEvent['type'];
type Listener = (event: DomainEvent) => void;

/** Where a listener's failure is reported (the server passes its log). */
export type ListenerFailure = (type: DomainEventType, err: unknown) => void;

const warn: ListenerFailure = (type, err) => process.emitWarning(`event listener failed on ${type}: ${String(err)}`);

export class EventBus {
  private readonly listeners = new Set<Listener>();

  constructor(private readonly failed: ListenerFailure = warn) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // A failing listener must not stop the others or the command that published.
        this.failed(event.type, err);
      }
    }
  }
}
