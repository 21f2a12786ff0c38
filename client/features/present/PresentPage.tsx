import { useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import { useCollab } from '../../collab/context';
import type { SectionConnection } from '../../collab/provider';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import type { Section } from '../../../shared/schemas';
import type { TextBlock } from '../../../shared/schemas/history';
import { TextBlocks } from '../history/TextBlocks';
import { useMeeting } from '../meetings/use-meeting';
import { useProposal } from '../workspace/use-proposal';
import type { Focus } from '../meetings/follow-state';
import { fragmentBlocks } from '../../../shared/document/text-blocks';
import './present.css';

const enc = encodeURIComponent;

/**
 * The projector: the whole proposal, large and read-only, live from each
 * section's document, scrolled to wherever the meeting's facilitator is.
 */
export default function PresentPage({ proposalId }: { proposalId: string }) {
  const i18n = useI18n();
  const { t, date } = i18n;
  const { state } = useProposal(proposalId);
  const meeting = useMeeting(proposalId);
  const pane = useRef<HTMLElement | null>(null);
  const focus = meeting.meeting ? meeting.focus : null;
  const ready = state.status === 'ready';

  useEffect(() => {
    const el = pane.current;
    if (!ready || !focus || !el) return;
    scrollToFocus(el, focus);
    // Sections fill in (and grow as people type) after the focus arrived: keep the place.
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => scrollToFocus(el, focus));
    el.querySelectorAll('[data-section]').forEach((s) => ro.observe(s));
    return () => ro.disconnect();
  }, [ready, focus]);

  if (state.status === 'loading') return <main id="main" className="page">{t('common.loading')}</main>;
  if (state.status === 'error') return <main id="main" className="page" role="alert">{errorText(state.error, i18n)}</main>;
  const p = state.proposal;
  return (
    <main id="main" className="present" ref={pane} data-testid="present" data-focus-section={focus?.sectionId ?? ''}>
      <header className="present__header">
        <h1>{p.title}</h1>
        {meeting.meeting ? (
          <p data-testid="present-meeting">
            {t('meeting.banner', { name: meeting.meeting.name, city: meeting.meeting.city, date: date(meeting.meeting.date), facilitator: meeting.meeting.facilitator.name })}
          </p>
        ) : (
          <p className="muted">{t('present.noMeeting')}</p>
        )}
        <Link href={`/proposals/${enc(p.id)}`} className="present__back">
          {t('board.backToWorkspace')}
        </Link>
      </header>
      {p.sections.map((s) => (
        <PresentSection key={s.id} section={s} focused={focus?.sectionId === s.id} />
      ))}
    </main>
  );
}

/** Puts the focus section at the top, `scroll` of the way through it. */
function scrollToFocus(pane: HTMLElement, focus: Focus): void {
  if (!focus.sectionId) {
    pane.scrollTop = 0;
    return;
  }
  const el = pane.querySelector<HTMLElement>(`[data-section="${CSS.escape(focus.sectionId)}"]`);
  if (!el) return;
  pane.scrollTop = el.offsetTop + Math.round(focus.scroll * Math.max(0, el.offsetHeight - pane.clientHeight));
}

function PresentSection({ section, focused }: { section: Section; focused: boolean }) {
  const { t } = useI18n();
  const blocks = useLiveBlocks(section.id);
  return (
    <section className={`present__section${focused ? ' present__section--focus' : ''}`} data-section={section.id} data-testid="present-section" aria-current={focused ? 'true' : undefined}>
      <h2>
        <span className="present__number">{section.number}</span> {section.title}
      </h2>
      {blocks === null ? <p className="muted">{t('common.loading')}</p> : <TextBlocks blocks={blocks} empty={t('present.empty')} />}
    </section>
  );
}

/** A section's text blocks from a read-only connection to its document, updated as people type. */
function useLiveBlocks(sectionId: string): TextBlock[] | null {
  const collab = useCollab();
  const [conn, setConn] = useState<SectionConnection | null>(null);
  const [blocks, setBlocks] = useState<TextBlock[] | null>(null);

  useEffect(() => {
    const c = collab.acquire(sectionId, true);
    // The projector is nobody's presence.
    c.provider.awareness.setLocalState(null);
    setConn(c);
    return () => collab.release(c);
  }, [collab, sectionId]);

  useEffect(() => {
    if (!conn) return;
    let fragment: Y.XmlFragment | null = null;
    const read = () => {
      if (fragment) setBlocks(fragmentBlocks(fragment));
    };
    // The document is replaced after a refused edit: follow the current one.
    const attach = () => {
      fragment?.unobserveDeep(read);
      fragment = conn.doc.getXmlFragment('default');
      fragment.observeDeep(read);
      read();
    };
    attach();
    let generation = conn.getStatus().generation;
    const off = conn.subscribe(() => {
      const g = conn.getStatus().generation;
      if (g !== generation) {
        generation = g;
        attach();
      }
    });
    return () => {
      off();
      fragment?.unobserveDeep(read);
    };
  }, [conn]);

  return blocks;
}
