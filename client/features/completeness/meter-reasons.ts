import type { I18n } from '../../i18n';
import type { MeterReason } from '../../../shared/completeness';

/**
 * A meter reason (a code with parameters, shared/schemas/completeness.ts) in the
 * reader's language: `meterReason.<kind>`, with a status code named through `status.*`.
 */
export function meterReasonText(t: I18n['t'], reason: MeterReason): string {
  switch (reason.kind) {
    case 'review_waiting':
    case 'review_approved':
      return t(`meterReason.${reason.kind}`, { status: t(`status.${reason.params.status}`) });
    case 'not_applicable':
    case 'no_text':
    case 'fill_empty':
    case 'fill_short':
    case 'fill_ok':
    case 'fill_over':
    case 'checklist_open':
    case 'checklist_done':
    case 'checklist_none':
    case 'items_missing':
    case 'items_done':
    case 'items_none':
    case 'review_in_review':
    case 'threads_open':
    case 'threads_none':
      return t(`meterReason.${reason.kind}`, reason.params);
    default: {
      const never: never = reason;
      return never;
    }
  }
}
