import { describe, expect, it } from 'vitest';
import { completeness, completenessWeights, emptyStats, rollUpByCriterion, rollUpProposal, type SectionSpec, type TextStats } from '../../shared/completeness';

const spec: SectionSpec = {
  minChars: 1000,
  maxChars: 2000,
  guidance: ['a?', 'b?', 'c?', 'd?'],
  requiredItems: [{ key: 'events', label: 'Table of events' }],
};
const stats = (s: Partial<TextStats>): TextStats => ({ ...emptyStats, ...s });
const all = stats({ chars: 1500, checked: [0, 1, 2, 3], itemsPresent: ['events'] });

describe('completeness meter', () => {
  it('API10: the default weights add up to 100 (fill 30, checklist 30, items 15, review 15, threads 10)', () => {
    expect(completenessWeights).toEqual({ fill: 30, checklist: 30, requiredItems: 15, review: 15, threads: 10 });
  });

  const cases: { name: string; stats: TextStats; status: Parameters<typeof completeness>[2]; threads: number; score: number; missing: string[] }[] = [
    { name: 'empty, not started', stats: emptyStats, status: 'not_started', threads: 0, score: 10, missing: ['fill', 'checklist', 'requiredItems', 'review'] },
    { name: 'half the minimum', stats: stats({ chars: 500 }), status: 'drafting', threads: 0, score: 25, missing: ['fill', 'checklist', 'requiredItems', 'review'] },
    { name: 'exactly minChars', stats: stats({ chars: 1000 }), status: 'drafting', threads: 0, score: 40, missing: ['checklist', 'requiredItems', 'review'] },
    { name: 'exactly maxChars', stats: stats({ chars: 2000 }), status: 'drafting', threads: 0, score: 40, missing: ['checklist', 'requiredItems', 'review'] },
    { name: 'over maxChars turns red', stats: stats({ chars: 2001 }), status: 'drafting', threads: 0, score: 10, missing: ['fill', 'checklist', 'requiredItems', 'review'] },
    { name: 'half the checklist', stats: stats({ chars: 1000, checked: [0, 2] }), status: 'drafting', threads: 0, score: 55, missing: ['checklist', 'requiredItems', 'review'] },
    { name: 'everything but review', stats: all, status: 'drafting', threads: 0, score: 85, missing: ['review'] },
    { name: 'in review is worth half', stats: all, status: 'in_review', threads: 0, score: 93, missing: ['review'] },
    { name: 'approved is worth all', stats: all, status: 'approved', threads: 0, score: 100, missing: [] },
    { name: 'final', stats: all, status: 'final', threads: 0, score: 100, missing: [] },
    { name: 'approved but empty', stats: emptyStats, status: 'approved', threads: 0, score: 25, missing: ['fill', 'checklist', 'requiredItems'] },
    { name: 'open threads cost their share', stats: all, status: 'approved', threads: 2, score: 90, missing: ['threads'] },
    { name: 'not applicable counts as complete', stats: emptyStats, status: { status: 'not_started', notApplicable: true }, threads: 3, score: 100, missing: [] },
    { name: 'blocked is listed but does not change the score', stats: all, status: { status: 'approved', blockedReason: 'waiting for the budget' }, threads: 0, score: 100, missing: ['blocked'] },
    { name: 'out-of-range and duplicate ticks are ignored', stats: stats({ chars: 1000, checked: [0, 0, 7, -1] }), status: 'drafting', threads: 0, score: 48, missing: ['checklist', 'requiredItems', 'review'] },
  ];

  it.each(cases)('API10: $name → $score', ({ stats: st, status, threads, score, missing }) => {
    const result = completeness(spec, st, status, threads);
    expect(result.score).toBe(score);
    expect(result.missing.map((m) => m.item)).toEqual(missing);
    for (const m of result.missing) expect(m.reason.length).toBeGreaterThan(0);
  });

  it('API10: a section without prompts or required items gets those shares in full', () => {
    const bare: SectionSpec = { minChars: 100, maxChars: 200, guidance: [], requiredItems: [] };
    expect(completeness(bare, stats({ chars: 150 }), 'approved', 0)).toEqual({ score: 100, missing: [] });
  });

  it('API10: the reasons say what to do', () => {
    const r = completeness(spec, stats({ chars: 2500 }), 'drafting', 1);
    expect(r.missing.find((m) => m.item === 'fill')?.reason).toMatch(/500 characters over/);
    expect(r.missing.find((m) => m.item === 'requiredItems')?.reason).toMatch(/Table of events/);
    expect(r.missing.find((m) => m.item === 'threads')?.reason).toBe('1 open comment thread');
  });

  it('API10: roll-ups per criterion and per proposal, with a page estimate', () => {
    const sections = [
      { criterion: 'relevance', score: 100, chars: 10_000 },
      { criterion: 'relevance', score: 50, chars: 5_000 },
      { criterion: 'impact', score: 0, chars: 0 },
    ];
    expect(rollUpByCriterion(sections)).toEqual([
      { criterion: 'relevance', score: 75, sections: 2 },
      { criterion: 'impact', score: 0, sections: 1 },
    ]);
    expect(rollUpProposal(sections, 40)).toEqual({
      score: 50,
      byCriterion: rollUpByCriterion(sections),
      pages: { estimate: 3, limit: 40, over: false },
    });
    expect(rollUpProposal(sections, 2).pages.over).toBe(true);
    expect(rollUpProposal([], 40)).toEqual({ score: 0, byCriterion: [], pages: { estimate: 0, limit: 40, over: false } });
  });
});
