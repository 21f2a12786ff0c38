import { useState } from 'react';
import { api, ApiError } from '../../api';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../../shared/i18n';
import type { Section, SectionStatus } from '../../../shared/schemas';
import { findTransition } from '../../../shared/workflow';
import { limits } from '../../../shared/limits';
import '../comments/comments.css';
import './review.css';

/** The label of a move to `to` from the section's current status. */
function actionLabel(from: SectionStatus, to: SectionStatus): MessageKey {
  switch (to) {
    case 'drafting':
      return from === 'ready_for_review' ? 'review.withdraw' : from === 'approved' || from === 'final' ? 'review.reopen' : 'review.startDrafting';
    case 'ready_for_review':
      return 'review.submit';
    case 'in_review':
      return 'review.startReview';
    case 'changes_requested':
      return 'review.requestChanges';
    case 'approved':
      return 'review.approve';
    case 'final':
      return 'review.markFinal';
    case 'not_started':
      return 'review.reset';
  }
}

/** VRD9: why an approval needs the coordinator's justification, as the server's 409 says it. */
interface ApprovalNeeds {
  underMin: { chars: number; minChars: number } | null;
  missingItems: string[];
}

type Asking = { kind: 'status'; to: SectionStatus } | { kind: 'blocked' } | { kind: 'notApplicable' } | { kind: 'approval'; needs: ApprovalNeeds };

function approvalNeeds(err: unknown): ApprovalNeeds | null {
  if (!(err instanceof ApiError) || err.code !== 'approval_needs_justification') return null;
  const { reasons, chars, minChars, missingItems } = err.params;
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    underMin: list(reasons).includes('under_min') ? { chars: Number(chars) || 0, minChars: Number(minChars) || 0 } : null,
    missingItems: list(missingItems),
  };
}

/**
 * The workflow buttons this user may press now (from `abilities.transitions`),
 * the blocked and not-applicable flags, and the reasons given for them.
 */
export function StatusActions({ section, onSectionChanged }: { section: Section; onSectionChanged(s: Section): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [asking, setAsking] = useState<Asking | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function patch(body: Parameters<typeof api.updateSection>[1]) {
    setBusy(true);
    setError(null);
    try {
      const res = await api.updateSection(section.id, body);
      onSectionChanged(res.section);
      setAsking(null);
      setReason('');
    } catch (err) {
      // VRD9: a short text or open required items: ask the coordinator why, then approve with it.
      const needs = body.status === 'approved' && body.justification === undefined ? approvalNeeds(err) : null;
      if (needs) {
        setReason('');
        setAsking({ kind: 'approval', needs });
      } else setError(errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  }

  /** The two side flags: set one with a reason, or clear it. */
  const flagButtons = [
    { kind: 'blocked', set: section.blockedReason !== null, clear: { blocked: null }, testId: 'flag-blocked', setLabel: 'review.block', clearLabel: 'review.unblock' },
    { kind: 'notApplicable', set: section.notApplicableReason !== null, clear: { notApplicable: null }, testId: 'flag-not-applicable', setLabel: 'review.notApplicable', clearLabel: 'review.applicable' },
  ] as const;

  function move(to: SectionStatus) {
    if (findTransition(section.status, to)?.needsReason) setAsking({ kind: 'status', to });
    else void patch({ status: to });
  }

  function confirmAsk() {
    const text = reason.trim();
    if (!asking || !text) return;
    if (asking.kind === 'status') void patch({ status: asking.to, reason: text });
    else if (asking.kind === 'approval') void patch({ status: 'approved', justification: text });
    else if (asking.kind === 'blocked') void patch({ blocked: { reason: text } });
    else void patch({ notApplicable: { justification: text } });
  }

  const flags = section.abilities.flag;
  const askLabel: MessageKey | null = !asking
    ? null
    : asking.kind === 'status'
      ? 'review.reasonLabel'
      : asking.kind === 'blocked'
        ? 'review.blockedLabel'
        : asking.kind === 'approval'
          ? 'approval.justification'
          : 'review.justificationLabel';
  const itemLabel = (key: string) => section.requiredItems.find((r) => r.key === key)?.label ?? key;

  return (
    <div className="status-actions" data-testid="status-actions">
      {section.changesRequestedReason && section.status === 'changes_requested' && (
        <p className="banner banner--warning" data-testid="changes-requested-reason">
          {t('review.changesRequestedBanner', { reason: section.changesRequestedReason })}
        </p>
      )}
      {section.blockedReason && (
        <p className="banner banner--error" data-testid="blocked-reason">
          {t('review.blockedBanner', { reason: section.blockedReason })}
        </p>
      )}
      {section.notApplicableReason && (
        <p className="banner banner--info" data-testid="not-applicable-reason">
          {t('review.notApplicableBanner', { reason: section.notApplicableReason })}
        </p>
      )}
      <div className="status-actions__buttons">
        {section.abilities.transitions.map((to) => (
          <button
            key={to}
            type="button"
            className={`button button--small${to === 'approved' || to === 'ready_for_review' ? ' button--primary' : ''}`}
            disabled={busy}
            onClick={() => move(to)}
            data-testid={`status-action-${to}`}
          >
            {t(actionLabel(section.status, to))}
          </button>
        ))}
        {flags &&
          flagButtons.map((f) => (
            <button
              key={f.kind}
              type="button"
              className="button button--small"
              disabled={busy}
              onClick={() => (f.set ? void patch(f.clear) : setAsking({ kind: f.kind }))}
              data-testid={f.testId}
            >
              {t(f.set ? f.clearLabel : f.setLabel)}
            </button>
          ))}
      </div>
      {asking?.kind === 'approval' && askLabel && (
        <form
          className="status-actions__reason approval-dialog"
          role="dialog"
          aria-labelledby="approval-dialog-title"
          data-testid="approval-dialog"
          onSubmit={(e) => {
            e.preventDefault();
            confirmAsk();
          }}
        >
          <h2 id="approval-dialog-title" className="status-actions__title">
            {t('approval.title')}
          </h2>
          <ul data-testid="approval-reasons">
            {asking.needs.underMin && <li>{t('approval.underMin', { chars: asking.needs.underMin.chars, minChars: asking.needs.underMin.minChars })}</li>}
            {asking.needs.missingItems.length > 0 && <li>{t('approval.requiredItems', { items: asking.needs.missingItems.map(itemLabel).join(', ') })}</li>}
          </ul>
          <label>
            {t(askLabel)}
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} autoFocus required rows={3} maxLength={limits.approvalJustificationMaxChars} data-testid="justification-input" />
          </label>
          <button type="submit" className="button button--small button--primary" disabled={busy || !reason.trim()} data-testid="approval-confirm">
            {t('approval.confirm')}
          </button>
          <button type="button" className="button button--small" onClick={() => setAsking(null)}>
            {t('common.cancel')}
          </button>
        </form>
      )}
      {asking && asking.kind !== 'approval' && askLabel && (
        <form
          className="status-actions__reason"
          onSubmit={(e) => {
            e.preventDefault();
            confirmAsk();
          }}
        >
          <label>
            {t(askLabel)}
            <input value={reason} onChange={(e) => setReason(e.target.value)} autoFocus required maxLength={2000} data-testid="reason-input" />
          </label>
          <button type="submit" className="button button--small button--primary" disabled={busy || !reason.trim()}>
            {t('review.confirm')}
          </button>
          <button type="button" className="button button--small" onClick={() => setAsking(null)}>
            {t('common.cancel')}
          </button>
        </form>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
