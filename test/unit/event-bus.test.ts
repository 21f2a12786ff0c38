import { describe, expect, it } from 'vitest';
import { EventBus, type DomainEventType } from '../../server/events';

describe('OPS: the event bus reports a failing listener', () => {
  it('OPS26: a listener that throws is reported with the event type to the bus owner (the server log), and the other listeners still get the event', () => {
    const failures: [DomainEventType, unknown][] = [];
    const bus = new EventBus((type, err) => failures.push([type, err]));
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('listener broke');
    });
    bus.subscribe((e) => seen.push(e.type));
    bus.publish({ type: 'section.changed', proposalId: 'p', sectionId: 's' });
    expect(seen).toEqual(['section.changed']);
    expect(failures).toHaveLength(1);
    expect(failures[0]![0]).toBe('section.changed');
    expect((failures[0]![1] as Error).message).toBe('listener broke');
  });
});
