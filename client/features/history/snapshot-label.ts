import type { I18n } from '../../i18n';
import { snapshotLabelSchema, type SnapshotLabel } from '../../../shared/schemas/history';

/**
 * A snapshot's name as people read it (TPL4): an automatic one from its kind and
 * parameters in the reader's language ("Approved: 1.1 …", "Before restoring “…”");
 * a manual one as its taker typed it.
 */
export function snapshotLabel(label: SnapshotLabel, t: I18n['t']): string {
  switch (label.kind) {
    case 'manual':
      return label.params.name;
    case 'approval':
      return t('snapshotName.approval', label.params);
    case 'submission':
      return t('snapshotName.submission', label.params);
    case 'meeting_start':
      return t('snapshotName.meetingStart', label.params);
    case 'meeting_end':
      return t('snapshotName.meetingEnd', label.params);
    case 'before_repair':
      return t('snapshotName.beforeRepair');
    case 'before_restore':
      return t('snapshotName.beforeRestore', { name: snapshotLabel(label.restored, t) });
    default: {
      const never: never = label;
      return String(never);
    }
  }
}

/**
 * The snapshot name in an activity entry's data: its `label` (TPL4), or, for an
 * entry recorded before labels, the `name` it stored (data, shown as stored).
 */
export function snapshotLabelOfData(data: Readonly<Record<string, unknown>>, t: I18n['t']): string {
  const parsed = snapshotLabelSchema.safeParse(data.label);
  if (parsed.success) return snapshotLabel(parsed.data, t);
  return typeof data.name === 'string' ? data.name : '';
}
