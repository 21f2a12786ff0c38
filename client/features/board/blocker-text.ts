import type { I18n } from '../../i18n';
import type { BoardBlocker } from '../../../shared/schemas/review';
import type { PreflightWarning } from '../../../shared/schemas/export';

/**
 * A blocker of the submission gate (a code with parameters, BRD2) in the
 * reader's language; the section it is about is named beside it by the caller.
 */
export function blockerText(t: I18n['t'], b: BoardBlocker): string {
  switch (b.kind) {
    case 'status':
      return t('blocker.status', { status: t(`status.${b.params.status}`) });
    case 'blocked':
    case 'threads':
    case 'over_limit':
    case 'partners':
    case 'countries':
    case 'pages':
      return t(`blocker.${b.kind}`, b.params);
    default: {
      const never: never = b;
      return never;
    }
  }
}

/** A preflight warning (BRD3) in the reader's language. */
export function preflightText(t: I18n['t'], w: PreflightWarning): string {
  switch (w.kind) {
    case 'empty':
    case 'under':
    case 'over':
      return t(`preflight.${w.kind}`, w.params);
    default: {
      const never: never = w;
      return never;
    }
  }
}
