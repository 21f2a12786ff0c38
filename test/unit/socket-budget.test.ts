import { describe, expect, it } from 'vitest';
import { limits } from '../../shared/limits';
import { SocketBudget } from '../../server/collab/socket-budget';

/** A budget on a clock the test moves. */
function budgetAt(start = 1_000_000) {
  const clock = { now: start };
  return { clock, budget: new SocketBudget(() => clock.now) };
}

describe('SEC: one socket\'s rate budget at its limits', () => {
  it('SEC4: exactly messageBurst frames at once pass and the next is refused; after 1/messagesPerSecond s one more passes, and no second', () => {
    const { clock, budget } = budgetAt();
    for (let i = 0; i < limits.messageBurst; i++) expect(budget.frame()).toBeNull();
    expect(budget.frame()).toBe('too_many_messages');
    expect(budget.frame()).toBe('too_many_messages');
    clock.now += 1000 / limits.messagesPerSecond;
    expect(budget.frame()).toBeNull();
    expect(budget.frame()).toBe('too_many_messages');
  });

  it('SEC4: exactly syncRequestBurst sync requests at once pass and the next is refused; one refills every 60/syncRequestsPerMinute s', () => {
    const { clock, budget } = budgetAt();
    for (let i = 0; i < limits.syncRequestBurst; i++) expect(budget.syncRequest()).toBeNull();
    expect(budget.syncRequest()).toBe('too_many_sync_requests');
    clock.now += 60_000 / limits.syncRequestsPerMinute - 1;
    expect(budget.syncRequest()).toBe('too_many_sync_requests');
    clock.now += 1;
    expect(budget.syncRequest()).toBeNull();
    expect(budget.syncRequest()).toBe('too_many_sync_requests');
    // A long idle refills to the burst, never past it.
    clock.now += 3_600_000;
    for (let i = 0; i < limits.syncRequestBurst; i++) expect(budget.syncRequest()).toBeNull();
    expect(budget.syncRequest()).toBe('too_many_sync_requests');
  });
});
