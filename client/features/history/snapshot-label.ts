import type { I18n } from '../../i18n';
import type { Snapshot } from '../../../shared/schemas/review';

/**
 * A snapshot's name as people read it. An automatic one taken by a restore
 * stores the restored snapshot's name as data, shown as "Before restoring <name>"
 * in the reader's language; every other kind is named by its taker.
 */
export function snapshotLabel(s: Pick<Snapshot, 'kind' | 'name'>, t: I18n['t']): string {
  switch (s.kind) {
    case 'before_restore':
      return t('restore.snapshotName', { name: s.name });
    case 'manual':
    case 'approval':
    case 'submission':
    case 'meeting':
      return s.name;
    default: {
      const never: never = s.kind;
      return String(never);
    }
  }
}
