import type { CloseReason } from '../../shared/protocol';
import { limits } from '../../shared/limits';

/** Milliseconds since some fixed point; `Date.now` in the server, a simulated clock in tests. */
export type Clock = () => number;

/** Why a socket's budget refused a frame (the connection closes with 4008 and this reason). */
export type BudgetRefusal = Extract<CloseReason, 'too_many_messages' | 'too_many_sync_requests'>;

/**
 * One socket's rate limits, from shared/limits.ts: every frame spends a message
 * token; a sync step 1 (the server encodes the document for it) also spends a
 * sync-request token from a much smaller bucket. Both buckets live in this one
 * object (one allocation per socket, made on its first frame).
 */
export class SocketBudget {
  private messages: number;
  private messagesAt: number;
  private syncRequests: number;
  private syncRequestsAt: number;

  constructor(private readonly clock: Clock = Date.now) {
    const now = clock();
    this.messages = limits.messageBurst;
    this.messagesAt = now;
    this.syncRequests = limits.syncRequestBurst;
    this.syncRequestsAt = now;
  }

  /** Any frame as it arrives. */
  frame(): BudgetRefusal | null {
    const now = this.clock();
    const level = refill(this.messages, this.messagesAt, now, limits.messageBurst, limits.messagesPerSecond);
    this.messagesAt = now;
    this.messages = spend(level);
    return level < 1 ? 'too_many_messages' : null;
  }

  /** A sync step 1, when it is handled. */
  syncRequest(): BudgetRefusal | null {
    const now = this.clock();
    const level = refill(this.syncRequests, this.syncRequestsAt, now, limits.syncRequestBurst, limits.syncRequestsPerMinute / 60);
    this.syncRequestsAt = now;
    this.syncRequests = spend(level);
    return level < 1 ? 'too_many_sync_requests' : null;
  }
}

/** A bucket's level after one token is taken: unchanged when it holds less than one (the frame is refused). */
const spend = (level: number): number => (level < 1 ? level : level - 1);

/** A token bucket's level at `now`, refilled lazily since `at`. */
function refill(tokens: number, at: number, now: number, burst: number, perSecond: number): number {
  return Math.min(burst, tokens + (Math.max(0, now - at) * perSecond) / 1000);
}
