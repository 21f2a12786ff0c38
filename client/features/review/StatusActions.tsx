import { useState } from 'react';
import { api } from '../../api';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../../shared/i18n';
import type { Section, SectionStatus } from '../../../shared/schemas';
import { findTransition } from '../../../shared/workflow';
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

type Asking = { kind: 'status'; to: SectionStatus } | { kind: 'blocked' } | { kind: 'notApplicable' };

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
      setError(errorText(err, i18n));
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
    else if (asking.kind === 'blocked') void patch({ blocked: { reason: text } });
    else void patch({ notApplicable: { justification: text } });
  }

  const flags = section.abilities.flag;
  const askLabel: MessageKey | null = !asking ? null : asking.kind === 'status' ? 'review.reasonLabel' : asking.kind === 'blocked' ? 'review.blockedLabel' : 'review.justificationLabel';

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
      {asking && askLabel && (
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
