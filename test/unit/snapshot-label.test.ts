import { describe, expect, it } from 'vitest';
import { snapshotLabel, snapshotLabelOfData } from '../../client/features/history/snapshot-label';
import { legacySnapshotLabel, nameOf, restoredLabel } from '../../server/db/snapshots';
import { translate, type MessageKey, type MessageParams } from '../../shared/i18n';
import { localeSchema, type Locale } from '../../shared/schemas/common';
import { snapshotLabelSchema, type SnapshotLabel } from '../../shared/schemas/history';

const tIn = (locale: Locale) => (key: MessageKey, params?: MessageParams) => translate(locale, key, params);
const locales = localeSchema.options;

const approval: SnapshotLabel = { kind: 'approval', params: { number: '1.1', title: 'Contesto e obiettivi generali' } };
/** One label of every kind. */
const labels: SnapshotLabel[] = [
  { kind: 'manual', params: { name: 'Dopo Bologna' } },
  approval,
  { kind: 'submission', params: { title: 'Reti civiche' } },
  { kind: 'meeting_start', params: { meeting: 'Luleå 2027' } },
  { kind: 'meeting_end', params: { meeting: 'Luleå 2027' } },
  { kind: 'before_repair', params: {} },
  { kind: 'before_restore', params: {}, restored: approval },
];

const english: Record<SnapshotLabel['kind'], string> = {
  manual: 'Dopo Bologna',
  approval: 'Approved: 1.1 Contesto e obiettivi generali',
  submission: 'Submitted: Reti civiche',
  meeting_start: 'Meeting start: Luleå 2027',
  meeting_end: 'Meeting end: Luleå 2027',
  before_repair: 'Before repair',
  before_restore: 'Before restoring “Approved: 1.1 Contesto e obiettivi generali”',
};

describe('snapshot names (TPL4)', () => {
  it.each(labels)('TPL4: $kind reads in English as the server used to name it', (label) => {
    expect(snapshotLabel(label, tIn('en'))).toBe(english[label.kind]);
  });

  it.each(locales.filter((l) => l !== 'en').flatMap((locale) => labels.map((label) => ({ locale, label, kind: label.kind }))))(
    'TPL4: $kind reads in $locale, with its data and without the English words',
    ({ locale, label }) => {
      const line = snapshotLabel(label, tIn(locale));
      expect(line).not.toMatch(/[{}]/);
      if (label.kind === 'manual') expect(line).toBe('Dopo Bologna');
      else expect(line).not.toBe(english[label.kind]);
      expect(line).not.toMatch(/Approved|Submitted|Meeting|Before/);
      if (label.kind === 'approval' || label.kind === 'before_restore') expect(line).toContain('1.1 Contesto e obiettivi generali');
    },
  );

  it('TPL4: the stored name is data, never an English sentence', () => {
    expect(labels.map(nameOf)).toEqual(['Dopo Bologna', '1.1 Contesto e obiettivi generali', 'Reti civiche', 'Luleå 2027', 'Luleå 2027', '', '1.1 Contesto e obiettivi generali']);
  });

  it('TPL4: a restore of a restore backup names the snapshot the backup had restored (backups do not nest)', () => {
    expect(restoredLabel(labels[6]!)).toEqual(approval);
    expect(restoredLabel(approval)).toEqual(approval);
  });

  it('TPL4: rows written before labels are read from their English names; a taker\u2019s name stays a taker\u2019s name', () => {
    expect(legacySnapshotLabel('approval', 'Approved: 2.1.1 Concept and methodology')).toEqual({ kind: 'approval', params: { number: '2.1.1', title: 'Concept and methodology' } });
    expect(legacySnapshotLabel('submission', 'Submitted: Civic networks')).toEqual({ kind: 'submission', params: { title: 'Civic networks' } });
    expect(legacySnapshotLabel('meeting', 'Meeting start: Luleå')).toEqual({ kind: 'meeting_start', params: { meeting: 'Luleå' } });
    expect(legacySnapshotLabel('meeting', 'Meeting end: Luleå')).toEqual({ kind: 'meeting_end', params: { meeting: 'Luleå' } });
    expect(legacySnapshotLabel('manual', 'Before repair')).toEqual({ kind: 'before_repair', params: {} });
    expect(legacySnapshotLabel('manual', 'Submitted: my own name')).toEqual({ kind: 'manual', params: { name: 'Submitted: my own name' } });
    expect(legacySnapshotLabel('approval', 'odd')).toEqual({ kind: 'manual', params: { name: 'odd' } });
    expect(legacySnapshotLabel('before_restore', 'Approved: 1.2 Needs')).toEqual({
      kind: 'before_restore',
      params: {},
      restored: { kind: 'approval', params: { number: '1.2', title: 'Needs' } },
    });
    expect(legacySnapshotLabel('before_restore', 'Morning draft')).toEqual({ kind: 'before_restore', params: {}, restored: { kind: 'manual', params: { name: 'Morning draft' } } });
    for (const l of labels) expect(snapshotLabelSchema.parse(l)).toEqual(l);
  });

  it('TPL4: an activity entry names its snapshot from its label, or an old entry from its stored name', () => {
    expect(snapshotLabelOfData({ name: 'x', label: approval }, tIn('it'))).toBe('Approvata: 1.1 Contesto e obiettivi generali');
    expect(snapshotLabelOfData({ name: 'Morning draft' }, tIn('it'))).toBe('Morning draft');
    expect(snapshotLabelOfData({ label: { kind: 'nonsense' } }, tIn('it'))).toBe('');
  });
});
