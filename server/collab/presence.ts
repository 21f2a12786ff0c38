import type { DomainEvent, EventBus } from '../events';

/**
 * Who is in which section, from this instance's open collab sockets: published
 * as `presence.changed` per proposal, debounced, on every join and leave. Each
 * instance publishes its own view (tagged with its instance id); the event
 * stream merges the views it receives. A stream starts from this instance's
 * current view (`ctx.collab.presence(proposalId)`). One tracker per collab service.
 */

export type PresenceSections = Extract<DomainEvent, { type: 'presence.changed' }>['sections'];

export interface PresenceConnection {
  readonly proposalId: string;
  readonly sectionId: string;
  readonly stamp: { id: string; name: string; color: string; country: string | null };
}

/** One instance's view of a proposal: who is in which section, tagged with the instance. */
export interface PresenceView {
  instanceId: string;
  sections: PresenceSections;
}

export class PresenceTracker {
  private readonly due = new Map<string, NodeJS.Timeout>();
  private readonly last = new Map<string, PresenceSections>();
  private closed = false;

  constructor(
    private readonly events: EventBus,
    private readonly connections: () => readonly PresenceConnection[],
    readonly instanceId: string,
    private readonly delayMs = 250,
  ) {}

  /** This instance's view of one proposal, now. */
  current(proposalId: string): PresenceSections {
    const sections: PresenceSections = {};
    for (const c of this.connections()) {
      if (c.proposalId !== proposalId) continue;
      const users = (sections[c.sectionId] ??= []);
      if (!users.some((u) => u.id === c.stamp.id)) users.push({ id: c.stamp.id, name: c.stamp.name, color: c.stamp.color, country: c.stamp.country });
    }
    return sections;
  }

  /** A socket of `proposalId` opened or closed. */
  changed(proposalId: string): void {
    if (this.closed || this.due.has(proposalId)) return;
    const timer = setTimeout(() => {
      this.due.delete(proposalId);
      const sections = this.current(proposalId);
      const key = JSON.stringify(sections);
      if (JSON.stringify(this.last.get(proposalId) ?? {}) === key) return;
      if (Object.keys(sections).length === 0) this.last.delete(proposalId);
      else this.last.set(proposalId, sections);
      this.events.publish({ type: 'presence.changed', proposalId, instanceId: this.instanceId, sections });
    }, this.delayMs);
    timer.unref();
    this.due.set(proposalId, timer);
  }

  close(): void {
    this.closed = true;
    for (const t of this.due.values()) clearTimeout(t);
    this.due.clear();
  }
}
