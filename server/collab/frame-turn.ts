import { limits } from '../../shared/limits';

/**
 * One event loop, one budget: the frames of every socket of a service share each
 * turn's `limits.frameBudgetMs`. A turn starts with the first frame handled after
 * the previous turn's check phase. Owned by the collab service (one per server),
 * so servers in one process never share a budget.
 */
export class FrameTurn {
  private open = false;
  private endsAt = 0;
  private readonly close = () => {
    this.open = false;
  };

  constructor(private readonly budgetMs: number = limits.frameBudgetMs) {}

  /** When this turn's frame budget is spent (performance.now() time). */
  deadline(): number {
    if (!this.open) {
      this.open = true;
      this.endsAt = performance.now() + this.budgetMs;
      setImmediate(this.close);
    }
    return this.endsAt;
  }
}
