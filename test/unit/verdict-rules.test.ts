import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { editUnits } from '../../server/collab/edit-volume';
import { giveVerdictSchema, changedSubstantially, summarizeVerdicts, verdictResetThreshold, type VerdictRow } from '../../shared/schemas/verdicts';
import { approvalNeeds, takesVerdicts, sectionStatuses } from '../../shared/workflow';
import { limits } from '../../shared/limits';

describe('VRD5 "substantially"', () => {
  it.each([
    { basis: 0, threshold: 200 },
    { basis: 300, threshold: 200 },
    { basis: 2000, threshold: 200 },
    { basis: 2009, threshold: 200 },
    { basis: 2010, threshold: 201 },
    { basis: 5000, threshold: 500 },
    { basis: 12_345, threshold: 1234 },
  ])('VRD5: a verdict at $basis characters holds at $threshold edit units and resets one past', ({ basis, threshold }) => {
    expect(verdictResetThreshold(basis)).toBe(threshold);
    expect(changedSubstantially(basis, threshold)).toBe(false);
    expect(changedSubstantially(basis, threshold + 1)).toBe(true);
    expect(changedSubstantially(basis, 0)).toBe(false);
  });

  it('VRD5: edit units are characters inserted plus deleted (one per UTF-16 unit), one per element', () => {
    const doc = new Y.Doc();
    const seen: number[] = [];
    // Transactions that change nothing (0 units) are not noted at all.
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      const units = editUnits(tr);
      if (units > 0) seen.push(units);
    });
    const fragment = doc.getXmlFragment('default');
    const p = new Y.XmlElement('paragraph');
    const text = new Y.XmlText('');
    p.insert(0, [text]);
    fragment.insert(0, [p]);
    text.insert(0, 'Bologna');
    text.delete(0, 3);
    text.insert(4, '😀');
    doc.transact(() => {
      text.delete(0, 2);
      text.insert(0, 'ab');
    });
    // The paragraph and its text, 7 typed, 3 deleted, an emoji (2 UTF-16 units), a replacement of 2.
    expect(seen).toEqual([2, 7, 3, 2, 4]);
    const before = seen.length;
    // Deleting the paragraph: itself, its text and the 6 characters still there (the 5 deleted before count nothing again).
    fragment.delete(0, 1);
    expect(seen.slice(before)).toEqual([2 + 6]);
  });
});

describe('VRD1 verdict summary and schema', () => {
  const row = (verdict: VerdictRow['verdict'], stale = false): VerdictRow => ({
    userId: 'u',
    name: 'n',
    partnerId: 'p',
    verdict,
    note: null,
    at: '2026-12-03T00:00:00Z',
    stale,
  });

  it('VRD1: current verdicts are counted by kind; stale ones apart', () => {
    expect(summarizeVerdicts([row('ready'), row('ready'), row('needs_changes'), row('ready', true)])).toEqual({ ready: 2, needsChanges: 1, stale: 1 });
    expect(summarizeVerdicts([])).toEqual({ ready: 0, needsChanges: 0, stale: 0 });
  });

  it('VRD4: the note keeps newlines and is at most verdictNoteMaxChars code points', () => {
    expect(giveVerdictSchema.parse({ verdict: 'ready', note: 'a\r\nb' })).toEqual({ verdict: 'ready', note: 'a\nb' });
    expect(giveVerdictSchema.safeParse({ verdict: 'ready', note: '😀'.repeat(limits.verdictNoteMaxChars) }).success).toBe(true);
    expect(giveVerdictSchema.safeParse({ verdict: 'ready', note: 'x'.repeat(limits.verdictNoteMaxChars + 1) }).success).toBe(false);
    expect(giveVerdictSchema.safeParse({ verdict: 'ready', note: '   ' }).success).toBe(false);
    expect(giveVerdictSchema.safeParse({ verdict: 'maybe' }).success).toBe(false);
  });

  it('VRD3: verdicts are taken from drafting to in review, not before and not once locked', () => {
    expect(sectionStatuses.filter(takesVerdicts)).toEqual(['drafting', 'ready_for_review', 'in_review', 'changes_requested']);
  });
});

describe('VRD9 approval needs', () => {
  const spec = { minChars: 1000, requiredItems: [{ key: 'budget' }, { key: 'timeline' }], itemsPresent: ['budget'], notApplicable: false };

  it('VRD9: under minChars and open required items are both reasons, with the counts and the missing keys', () => {
    expect(approvalNeeds(spec, 999)).toEqual({ reasons: ['under_min', 'required_items'], chars: 999, minChars: 1000, missingItems: ['timeline'] });
    expect(approvalNeeds(spec, 1000)).toEqual({ reasons: ['required_items'], chars: 1000, minChars: 1000, missingItems: ['timeline'] });
    expect(approvalNeeds({ ...spec, itemsPresent: ['budget', 'timeline'] }, 1000)).toBeNull();
    expect(approvalNeeds({ ...spec, itemsPresent: ['budget', 'timeline'] }, 999)).toEqual({ reasons: ['under_min'], chars: 999, minChars: 1000, missingItems: [] });
  });

  it('VRD9: a section flagged not applicable needs no justification', () => {
    expect(approvalNeeds({ ...spec, notApplicable: true }, 0)).toBeNull();
  });
});
