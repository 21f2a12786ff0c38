interface Outgoing {
  /** Sent once this many of the room's updates have committed. */
  needs: number;
  deliver(): void;
}

/**
 * Persist, then broadcast, in order: each accepted update takes a ticket, and
 * whatever derives from it (its relay, a later sync reply) waits in one queue
 * until every update up to its ticket has committed. Commits may resolve out of
 * order; deliveries never do.
 */
export class CommitOrder {
  private issued = 0;
  private committed = 0;
  private readonly outbox: Outgoing[] = [];

  /** Updates accepted but not yet committed. */
  get pending(): number {
    return this.issued - this.committed;
  }

  /** The ticket of the latest accepted update (0 before any). */
  get latest(): number {
    return this.issued;
  }

  /** A ticket for a newly accepted update. */
  issue(): number {
    return ++this.issued;
  }

  /** Runs `deliver` once every update up to ticket `needs` has committed: at once when they have. */
  after(needs: number, deliver: () => void): void {
    if (this.outbox.length === 0 && needs <= this.committed) deliver();
    else this.outbox.push({ needs, deliver });
  }

  /** The update with `ticket` committed: deliver what now may go, in order. */
  commit(ticket: number): void {
    this.committed = Math.max(this.committed, ticket);
    while (this.outbox.length > 0 && this.outbox[0]!.needs <= this.committed) this.outbox.shift()!.deliver();
  }

  /** Drops everything waiting (the room is gone). */
  clear(): void {
    this.outbox.length = 0;
  }
}
