import { describe, expect, it } from 'vitest';
import {
  completeness,
  completenessWeights,
  emptyStats,
  meterParts,
  openThreadsOf,
  rollUpByCriterion,
  rollUpProposal,
  textShare,
  type SectionSpec,
  type SectionState,
  type TextStats,
} from '../../shared/completeness';
import { completenessSchema } from '../../shared/schemas/completeness';
import { sectionStatusSchema, type SectionStatus } from '../../shared/schemas/common';
import { templates } from '../../shared/templates';

const spec: SectionSpec = {
  minChars: 1000,
  maxChars: 2000,
  guidance: ['a?', 'b?', 'c?', 'd?'],
  requiredItems: [{ key: 'events', label: 'Table of events' }],
};
const bare: SectionSpec = { minChars: 1000, maxChars: 2000, guidance: [], requiredItems: [] };
const stats = (s: Partial<TextStats>): TextStats => ({ ...emptyStats, ...s });
const all = stats({ chars: 1500, checked: [0, 1, 2, 3], itemsPresent: ['events'] });
const statuses: readonly SectionStatus[] = sectionStatusSchema.options;

/** Every template section as the meter sees it (only the prompt count and item keys matter). */
const templateSpecs = templates.flatMap((t) =>
  t.sections.map((s) => ({
    name: `${t.id}/${s.key}`,
    spec: {
      minChars: s.minChars,
      maxChars: s.maxChars,
      guidance: s.guidance.map((_, i) => `prompt ${i}`),
      requiredItems: (s.requiredItems ?? []).map((r) => ({ key: r.key, label: r.key })),
    } satisfies SectionSpec,
  })),
);

const earned = (r: ReturnType<typeof completeness>) => Object.fromEntries(r.parts.map((p) => [p.part, p.earned]));
const reasons = (r: ReturnType<typeof completeness>) => Object.fromEntries(r.parts.map((p) => [p.part, p.reason.kind]));

describe('completeness meter: an honest score', () => {
  it('MTR1: five parts with the design weights (fill 30, checklist 30, items 15, review 15, threads 10), each with earned, max and a reason code', () => {
    expect(completenessWeights).toEqual({ fill: 30, checklist: 30, requiredItems: 15, review: 15, threads: 10 });
    const r = completeness(spec, all, 'drafting', 0);
    expect(r.parts.map((p) => [p.part, p.max])).toEqual(meterParts.map((p) => [p, completenessWeights[p]]));
    expect(completenessSchema.parse(r)).toEqual(r);
    // No prose anywhere: every string in the output is a code, a status, an item key or its label.
    const strings = JSON.stringify(r).match(/"[^"]*"/g) ?? [];
    for (const s of strings) expect(s).not.toMatch(/ /);
  });

  it('MTR2: an empty section scores 0 for every status and every template section, ticked, with items present and open threads or none', () => {
    expect(templateSpecs.length).toBeGreaterThan(20);
    for (const { name, spec: sp } of templateSpecs) {
      const ticked = stats({ chars: 0, checked: sp.guidance.map((_, i) => i), itemsPresent: sp.requiredItems.map((r) => r.key) });
      for (const status of statuses) {
        for (const threads of [0, 2]) {
          for (const st of [emptyStats, ticked]) {
            const r = completeness(sp, st, { status, blockedReason: null }, threads);
            expect(r.score, `${name} ${status} ${threads}`).toBe(0);
            for (const p of r.parts) expect(p.earned, `${name} ${status} ${p.part}`).toBe(0);
          }
        }
      }
    }
  });

  it('MTR2: an empty section in every status names why each part earns nothing', () => {
    for (const status of statuses) {
      const r = completeness(spec, emptyStats, status, 0);
      expect(reasons(r)).toEqual({ fill: 'fill_empty', checklist: 'no_text', requiredItems: 'no_text', review: 'no_text', threads: 'no_text' });
      expect(r.parts[0]?.reason).toEqual({ kind: 'fill_empty', params: { min: 1000 } });
      expect(r.missing.map((m) => [m.item, m.kind])).toEqual([
        ['fill', 'fill_empty'],
        ['checklist', 'no_text'],
        ['requiredItems', 'required_item'],
        ['review', 'no_text'],
        ['threads', 'no_text'],
      ]);
    }
  });

  const cases: { name: string; spec: SectionSpec; stats: TextStats; status: SectionState | SectionStatus; threads: number; score: number; missing: string[] }[] = [
    { name: 'half the minimum, nothing ticked', spec, stats: stats({ chars: 500 }), status: 'drafting', threads: 0, score: 25, missing: ['fill', 'checklist', 'requiredItems', 'review'] },
    { name: 'exactly minChars', spec, stats: stats({ chars: 1000 }), status: 'drafting', threads: 0, score: 40, missing: ['checklist', 'requiredItems', 'review'] },
    { name: 'exactly maxChars', spec, stats: stats({ chars: 2000 }), status: 'drafting', threads: 0, score: 40, missing: ['checklist', 'requiredItems', 'review'] },
    { name: 'one past maxChars: the fill earns nothing', spec, stats: stats({ chars: 2001 }), status: 'drafting', threads: 0, score: 10, missing: ['fill', 'checklist', 'requiredItems', 'review'] },
    { name: 'half the checklist', spec, stats: stats({ chars: 1000, checked: [0, 2] }), status: 'drafting', threads: 0, score: 55, missing: ['checklist', 'requiredItems', 'review'] },
    { name: 'out-of-range and duplicate ticks are ignored', spec, stats: stats({ chars: 1000, checked: [0, 0, 7, -1] }), status: 'drafting', threads: 0, score: 48, missing: ['checklist', 'requiredItems', 'review'] },
    { name: 'everything but review', spec, stats: all, status: 'drafting', threads: 0, score: 85, missing: ['review'] },
    { name: 'in review is worth half', spec, stats: all, status: 'in_review', threads: 0, score: 93, missing: ['review'] },
    { name: 'approved is worth all', spec, stats: all, status: 'approved', threads: 0, score: 100, missing: [] },
    { name: 'final', spec, stats: all, status: 'final', threads: 0, score: 100, missing: [] },
    { name: 'changes requested', spec, stats: all, status: 'changes_requested', threads: 0, score: 85, missing: ['review'] },
    { name: 'open threads cost their share', spec, stats: all, status: 'approved', threads: 2, score: 90, missing: ['threads'] },
    { name: 'no prompts, no items, one character: those parts follow the fill', spec: bare, stats: stats({ chars: 10 }), status: 'drafting', threads: 0, score: 11, missing: ['fill', 'checklist', 'requiredItems', 'review'] },
    { name: 'no prompts, no items, at the minimum: those parts in full', spec: bare, stats: stats({ chars: 1000 }), status: 'drafting', threads: 0, score: 85, missing: ['review'] },
    { name: 'no prompts, no items, over the limit: text is text, the fill is red', spec: bare, stats: stats({ chars: 2500 }), status: 'approved', threads: 0, score: 70, missing: ['fill'] },
    { name: 'not applicable counts as complete, even empty with threads', spec, stats: emptyStats, status: { status: 'not_started', notApplicable: true }, threads: 3, score: 100, missing: [] },
    { name: 'blocked is listed but does not change the score', spec, stats: all, status: { status: 'approved', blockedReason: 'waiting for the budget' }, threads: 0, score: 100, missing: ['blocked'] },
  ];

  it.each(cases)('MTR3-MTR7: $name → $score', ({ spec: sp, stats: st, status, threads, score, missing }) => {
    const r = completeness(sp, st, status, threads);
    expect(r.score).toBe(score);
    expect(r.missing.map((m) => m.item)).toEqual(missing);
    expect(completenessSchema.parse(r)).toEqual(r);
    expect(Math.abs(r.parts.reduce((a, p) => a + p.earned, 0) - r.score)).toBeLessThanOrEqual(0.5);
  });

  it('MTR3: the fill part: empty, short, within, at the limit and one past it', () => {
    const fill = (chars: number) => completeness(spec, stats({ chars }), 'drafting', 0).parts[0];
    expect(fill(0)).toEqual({ part: 'fill', earned: 0, max: 30, reason: { kind: 'fill_empty', params: { min: 1000 } } });
    expect(fill(250)).toEqual({ part: 'fill', earned: 7.5, max: 30, reason: { kind: 'fill_short', params: { missing: 750, min: 1000 } } });
    expect(fill(999)?.reason).toEqual({ kind: 'fill_short', params: { missing: 1, min: 1000 } });
    expect(fill(1000)).toEqual({ part: 'fill', earned: 30, max: 30, reason: { kind: 'fill_ok', params: { chars: 1000, min: 1000, max: 2000 } } });
    expect(fill(2000)?.reason).toEqual({ kind: 'fill_ok', params: { chars: 2000, min: 1000, max: 2000 } });
    expect(fill(2001)).toEqual({ part: 'fill', earned: 0, max: 30, reason: { kind: 'fill_over', params: { over: 1, max: 2000 } } });
  });

  it('MTR4: the text share: 0 without text, chars/minChars under it, 1 from minChars on (and over maxChars); a minimum of 0 makes any text 1', () => {
    expect(textShare(spec, 0)).toBe(0);
    expect(textShare(spec, 500)).toBe(0.5);
    expect(textShare(spec, 1000)).toBe(1);
    expect(textShare(spec, 5000)).toBe(1);
    expect(textShare({ minChars: 0 }, 0)).toBe(0);
    expect(textShare({ minChars: 0 }, 1)).toBe(1);
    const r = completeness(bare, stats({ chars: 500 }), 'drafting', 0);
    expect(earned(r)).toEqual({ fill: 15, checklist: 15, requiredItems: 7.5, review: 0, threads: 10 });
    expect(reasons(r)).toEqual({ fill: 'fill_short', checklist: 'checklist_none', requiredItems: 'items_none', review: 'review_waiting', threads: 'threads_none' });
  });

  it('MTR5: the checklist and required items count ticks and items once there is text; each absent item is listed with its key and label', () => {
    const r = completeness(spec, stats({ chars: 1200, checked: [1, 3, 3] }), 'drafting', 0);
    expect(r.parts[1]).toEqual({ part: 'checklist', earned: 15, max: 30, reason: { kind: 'checklist_open', params: { open: 2, total: 4 } } });
    expect(r.parts[2]).toEqual({ part: 'requiredItems', earned: 0, max: 15, reason: { kind: 'items_missing', params: { missing: 1, total: 1 } } });
    expect(r.missing.filter((m) => m.item === 'requiredItems')).toEqual([{ item: 'requiredItems', kind: 'required_item', params: { key: 'events', label: 'Table of events' } }]);
    const done = completeness(spec, all, 'drafting', 0);
    expect(done.parts[1]?.reason).toEqual({ kind: 'checklist_done', params: { total: 4 } });
    expect(done.parts[2]?.reason).toEqual({ kind: 'items_done', params: { total: 1 } });
  });

  it('MTR6: review and threads: each status with text, and open threads', () => {
    const review = (status: SectionStatus) => completeness(spec, all, status, 0).parts[3];
    for (const status of ['not_started', 'drafting', 'ready_for_review', 'changes_requested'] as const) {
      expect(review(status)).toEqual({ part: 'review', earned: 0, max: 15, reason: { kind: 'review_waiting', params: { status } } });
    }
    expect(review('in_review')).toEqual({ part: 'review', earned: 7.5, max: 15, reason: { kind: 'review_in_review', params: {} } });
    expect(review('approved')?.reason).toEqual({ kind: 'review_approved', params: { status: 'approved' } });
    expect(review('final')?.earned).toBe(15);
    expect(completeness(spec, all, 'approved', 3).parts[4]).toEqual({ part: 'threads', earned: 0, max: 10, reason: { kind: 'threads_open', params: { count: 3 } } });
    expect(completeness(spec, all, 'approved', 0).parts[4]).toEqual({ part: 'threads', earned: 10, max: 10, reason: { kind: 'threads_none', params: {} } });
    expect(completeness(spec, emptyStats, 'approved', 1).parts[4]?.reason).toEqual({ kind: 'threads_open', params: { count: 1 } });
  });

  it('MTR7: not applicable: every part in full with reason not_applicable; blocked is a missing item with its reason', () => {
    const na = completeness(spec, emptyStats, { status: 'drafting', notApplicable: true }, 2);
    expect(na.parts.map((p) => [p.part, p.earned === p.max, p.reason.kind])).toEqual(meterParts.map((p) => [p, true, 'not_applicable']));
    const blocked = completeness(spec, all, { status: 'approved', blockedReason: 'waiting for the mayor' }, 0);
    expect(blocked.missing).toEqual([{ item: 'blocked', kind: 'blocked', params: { reason: 'waiting for the mayor' } }]);
  });

  it('MTR9: the open threads a meter counted can be read back for a live recount', () => {
    expect(openThreadsOf(completeness(spec, emptyStats, 'drafting', 4))).toBe(4);
    expect(openThreadsOf(completeness(spec, emptyStats, 'drafting', 0))).toBe(0);
    expect(openThreadsOf(completeness(spec, emptyStats, { status: 'drafting', notApplicable: true }, 4))).toBe(0);
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
