/**
 * The instance's and each user's count of collab sockets, including upgrades still
 * being admitted: a slot is taken when an upgrade arrives (before any query), is
 * counted against its user as soon as the session names them, and is freed when
 * the upgrade's TCP connection closes, whatever happened in between (refused,
 * aborted by ws, or a socket that lived and closed). A thousand upgrades sent at
 * once therefore cannot pass either cap while their admission queries are in flight.
 */
export class SocketCaps {
  private open = 0;
  private readonly perUser = new Map<string, number>();

  constructor(
    readonly maxPerInstance: number,
    readonly maxPerUser: number,
  ) {}

  /** A slot for one upgrade, or null when the instance already holds `maxPerInstance`. */
  enter(): SocketSlot | null {
    if (this.open >= this.maxPerInstance) return null;
    this.open++;
    return new SocketSlot(this);
  }

  /** Sockets and upgrades being admitted on this instance. */
  get count(): number {
    return this.open;
  }

  /** Sockets and upgrades being admitted of one user. */
  countOf(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }

  /** @internal SocketSlot's bookkeeping. */
  claimFor(userId: string): boolean {
    const held = this.countOf(userId);
    if (held >= this.maxPerUser) return false;
    this.perUser.set(userId, held + 1);
    return true;
  }

  /** @internal SocketSlot's bookkeeping. */
  free(userId: string | null): void {
    this.open--;
    if (userId === null) return;
    const held = this.countOf(userId) - 1;
    if (held > 0) this.perUser.set(userId, held);
    else this.perUser.delete(userId);
  }
}

/** One upgrade's place in the counts, held until its TCP connection closes. */
export class SocketSlot {
  private userId: string | null = null;
  private freed = false;

  constructor(private readonly caps: SocketCaps) {}

  /** Counts this slot against `userId` (once); false when that user already holds `maxPerUser`. */
  claim(userId: string): boolean {
    if (this.freed || this.userId !== null) return !this.freed && this.userId === userId;
    if (!this.caps.claimFor(userId)) return false;
    this.userId = userId;
    return true;
  }

  /** Frees the slot (once); a listener for the TCP connection's 'close'. */
  readonly release = (): void => {
    if (this.freed) return;
    this.freed = true;
    this.caps.free(this.userId);
  };
}
