import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import type { Proposal, User } from '../../../shared/schemas';
import type { Meeting } from '../../../shared/schemas/history';
import { Field } from '../forms/Field';
import { historyApi } from '../history/history-api';
import { LatestSender, scrollFraction, scrollTopFor, Throttle, type Focus } from './follow-state';
import { useMeeting } from './use-meeting';
import './meetings.css';

const FOCUS_THROTTLE_MS = 200;
/** The router's navigation event (client/router.tsx). */
const NAVIGATE_EVENT = 'twinpad:navigate';
const enc = encodeURIComponent;

/** The workspace's scrolling pane (WorkspacePage's <main id="main">). */
function scrollPane(): HTMLElement | null {
  return document.getElementById('main');
}

export interface MeetingBarProps {
  proposal: Proposal;
  sectionId: string | null;
  user: User;
}

/**
 * Workshop mode in the workspace: the meeting banner for everyone, start/end
 * for coordinators, focus reports from the facilitator, and "follow the
 * facilitator" for participants.
 */
export function MeetingBar({ proposal, sectionId, user }: MeetingBarProps) {
  const { t, date } = useI18n();
  const m = useMeeting(proposal.id);
  const meeting = m.meeting;
  // Leading needs the role that starts meetings too: a demoted facilitator stops reporting
  // focus as soon as the refetched proposal says so (the stream's rights event, SEC28).
  const facilitating = meeting !== null && meeting.facilitator.id === user.id && proposal.abilities.manage;

  useFacilitatorReports(facilitating ? meeting : null, sectionId);
  useFollow(proposal.id, m.following && !facilitating ? m.focus : null, sectionId);

  if (!meeting) return proposal.abilities.manage ? <StartMeeting proposalId={proposal.id} onStarted={m.reload} /> : null;
  return (
    <div className="banner meeting-banner" role="status" data-testid="meeting-banner" data-meeting={meeting.id} data-focus-section={m.focus?.sectionId ?? ''}>
      <span>
        <span aria-hidden="true">📽 </span>
        {t('meeting.banner', { name: meeting.name, city: meeting.city, date: date(meeting.date), facilitator: meeting.facilitator.name })}
      </span>
      <span className="meeting-banner__actions">
        {facilitating ? (
          <>
            <span className="muted">{t('meeting.youFacilitate')}</span>
            <EndMeeting meeting={meeting} />
          </>
        ) : m.following ? (
          <button type="button" className="button button--small" aria-pressed="true" data-testid="unfollow" onClick={m.unfollow}>
            {t('meeting.following', { name: meeting.facilitator.name })} · {t('meeting.unfollow')}
          </button>
        ) : (
          <button type="button" className="button button--small" aria-pressed="false" data-testid="follow" onClick={m.follow}>
            {t('meeting.follow')}
          </button>
        )}
        <Link className="button button--small" href={`/proposals/${enc(proposal.id)}/present`} data-testid="present-link">
          {t('meeting.present')}
        </Link>
      </span>
    </div>
  );
}

/** While this user facilitates: POST the open section at once, and the scroll position throttled. */
function useFacilitatorReports(meeting: Meeting | null, sectionId: string | null): void {
  const meetingId = meeting?.id ?? null;
  const section = useRef(sectionId);
  section.current = sectionId;
  const throttle = useRef<Throttle<Focus> | null>(null);
  const sender = useRef<LatestSender<Focus> | null>(null);

  useEffect(() => {
    if (!meetingId) return;
    const out = new LatestSender<Focus>((f) => historyApi.focus(meetingId, f.sectionId, f.scroll));
    sender.current = out;
    const th = new Throttle<Focus>(FOCUS_THROTTLE_MS, (f) => out.push(f));
    throttle.current = th;
    const pane = scrollPane();
    const onScroll = () => {
      const p = scrollPane();
      if (p) th.push({ sectionId: section.current, scroll: scrollFraction(p.scrollTop, p.scrollHeight, p.clientHeight) });
    };
    pane?.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      pane?.removeEventListener('scroll', onScroll);
      th.flush();
      throttle.current = null;
      sender.current = null;
    };
  }, [meetingId]);

  // A new section is reported at once, not after the throttle window: from the
  // navigation itself (before the new section renders), else when it has rendered.
  const reported = useRef<string | null | undefined>(undefined);
  const reportSection = useCallback(
    (id: string | null) => {
      if (!meetingId || reported.current === id) return;
      reported.current = id;
      throttle.current?.cancel();
      sender.current?.push({ sectionId: id, scroll: 0 });
    },
    [meetingId],
  );

  useEffect(() => {
    if (!meetingId) return;
    reported.current = undefined;
    const onNavigate = () => {
      const match = /^\/proposals\/[^/]+(?:\/sections\/([^/]+))?\/?$/.exec(window.location.pathname);
      if (match) reportSection(match[1] ? decodeURIComponent(match[1]) : null);
    };
    window.addEventListener(NAVIGATE_EVENT, onNavigate);
    window.addEventListener('popstate', onNavigate);
    return () => {
      window.removeEventListener(NAVIGATE_EVENT, onNavigate);
      window.removeEventListener('popstate', onNavigate);
    };
  }, [meetingId, reportSection]);

  useEffect(() => {
    reportSection(sectionId);
  }, [reportSection, sectionId]);
}

/** While following: go to the facilitator's section and scroll position. */
function useFollow(proposalId: string, focus: Focus | null, sectionId: string | null): void {
  useEffect(() => {
    if (!focus) return;
    if (focus.sectionId !== sectionId) {
      navigate(focus.sectionId ? `/proposals/${enc(proposalId)}/sections/${enc(focus.sectionId)}` : `/proposals/${enc(proposalId)}`);
      return;
    }
    const apply = () => {
      const p = scrollPane();
      if (p) p.scrollTop = scrollTopFor(focus.scroll, p.scrollHeight, p.clientHeight);
    };
    const frame = requestAnimationFrame(apply);
    // The section's text arrives after the navigation: keep the place as it fills in.
    const pane = scrollPane();
    const ro = typeof ResizeObserver === 'undefined' || !pane ? null : new ResizeObserver(apply);
    if (pane && ro) for (const child of pane.children) ro.observe(child);
    return () => {
      cancelAnimationFrame(frame);
      ro?.disconnect();
    };
  }, [proposalId, focus, sectionId]);
}

function EndMeeting({ meeting }: { meeting: Meeting }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function end() {
    setConfirming(false);
    try {
      const { meeting: ended } = await historyApi.endMeeting(meeting.id);
      const until = ended.endSnapshotId ? `/${enc(ended.endSnapshotId)}` : '';
      navigate(`/proposals/${enc(ended.proposalId)}/changes/${enc(ended.startSnapshotId)}${until}`);
    } catch (err) {
      setError(errorText(err, i18n));
    }
  }

  if (!confirming)
    return (
      <>
        <button type="button" className="button button--small" data-testid="end-meeting" onClick={() => setConfirming(true)}>
          {t('meeting.end')}
        </button>
        {error && <span role="alert">{error}</span>}
      </>
    );
  return (
    <span role="alertdialog" aria-label={t('meeting.end')} className="meeting-banner__confirm" data-testid="end-meeting-confirm">
      {t('meeting.endConfirm')}{' '}
      <button type="button" className="button button--primary button--small" onClick={() => void end()}>
        {t('review.confirm')}
      </button>{' '}
      <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}

const today = () => new Date().toISOString().slice(0, 10);

function StartMeeting({ proposalId, onStarted }: { proposalId: string; onStarted: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [name, setName] = useState('');
  const [city, setCity] = useState('');
  const [day, setDay] = useState(today);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: string | undefined; message: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim() || !city.trim()) {
      setError({ field: !name.trim() ? 'name' : 'city', message: t('field.required') });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await historyApi.startMeeting(proposalId, { name: name.trim(), city: city.trim(), date: day });
      onStarted();
    } catch (err) {
      const field = err instanceof ApiError && err.code === 'invalid_input' ? err.field : undefined;
      setError({ field, message: field ? t('field.invalid') : errorText(err, i18n) });
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (f: string) => (error?.field === f ? error.message : undefined);
  return (
    <details className="meeting-start">
      <summary>{t('meeting.startTitle')}</summary>
      <form className="form form--inline" onSubmit={(e) => void submit(e)} data-testid="start-meeting-form">
        <Field label={t('meeting.name')} value={name} onChange={(e) => setName(e.target.value)} error={fieldError('name')} maxLength={200} />
        <Field label={t('meeting.city')} value={city} onChange={(e) => setCity(e.target.value)} error={fieldError('city')} maxLength={120} />
        <Field label={t('meeting.date')} type="date" value={day} onChange={(e) => setDay(e.target.value)} error={fieldError('date')} required />
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('meeting.start')}
        </button>
      </form>
      {error && error.field === undefined && <p role="alert">{error.message}</p>}
    </details>
  );
}
