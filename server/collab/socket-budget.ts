import { limits } from '../../shared/limits';

/** Milliseconds since some fixed point; `Date.now` in the server, a simulated clock in tests. */
export type Clock = () => number;

/** A token bucket refilled lazily from `clock` (no timers). */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.refilledAt = clock();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.refilledAt) * this.perSecond) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Why a socket's budget refused a frame (the connection closes with 4008 and this reason). */
export type BudgetRefusal = 'too many messages' | 'too many sync requests';

/**
 * One socket's rate limits, from shared/limits.ts: every frame spends a message
 * token; a sync step 1 (the server encodes the document for it) also spends a
 * sync-request token from a much smaller bucket.
 */
export class SocketBudget {
  private readonly messages: TokenBucket;
  private readonly syncRequests: TokenBucket;

  constructor(clock: Clock = Date.now) {
    this.messages = new TokenBucket(limits.messageBurst, limits.messagesPerSecond, clock);
    this.syncRequests = new TokenBucket(limits.syncRequestBurst, limits.syncRequestsPerMinute / 60, clock);
  }

  /** Any frame as it arrives. */
  frame(): BudgetRefusal | null {
    return this.messages.take() ? null : 'too many messages';
  }

  /** A sync step 1, when it is handled. */
  syncRequest(): BudgetRefusal | null {
    return this.syncRequests.take() ? null : 'too many sync requests';
  }
}
