import { useEffect, useMemo, useState } from 'react';
import { useEditorState, type Editor } from '@tiptap/react';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import type { Proposal, Section } from '../../../shared/schemas';
import type { Anchor } from '../../../shared/schemas/review';
import { anchorFor, detachedThreads, setActiveThread, setCommentAnchors, threadRange, type HighlightAnchor } from '../../editor/comment-highlights';
import { reviewApi } from '../review/review-api';
import { Composer } from './Composer';
import { ThreadView } from './ThreadView';
import type { ThreadsState } from './use-threads';
import './comments.css';

/** The editor's selected range: ProseMirror's, or the DOM's in a read-only editor. */
function selectedRange(editor: Editor): { from: number; to: number } | null {
  const { from, to, empty } = editor.state.selection;
  if (!empty) return { from, to };
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
  const r = sel.getRangeAt(0);
  const dom = editor.view.dom;
  if (!dom.contains(r.startContainer) || !dom.contains(r.endContainer)) return null;
  try {
    const a = editor.view.posAtDOM(r.startContainer, r.startOffset);
    const b = editor.view.posAtDOM(r.endContainer, r.endOffset);
    return a < b ? { from: a, to: b } : b < a ? { from: b, to: a } : null;
  } catch {
    return null;
  }
}

export interface CommentsPanelProps {
  proposal: Proposal;
  section: Section;
  editor: Editor | null;
  threads: ThreadsState;
}

/** The section's threads, a composer for a new one, and their highlights in the editor. */
export function CommentsPanel({ proposal, section, editor, threads }: CommentsPanelProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [draft, setDraft] = useState<{ anchor: Anchor | null } | null>(null);
  const [active, setActive] = useState<string | null>(null);
  const [showResolved, setShowResolved] = useState(false);
  const [hint, setHint] = useState<string | null>(null);
  const list = threads.threads;

  const anchors = useMemo<HighlightAnchor[]>(
    () => (list ?? []).flatMap((th) => (th.anchor ? [{ threadId: th.id, anchor: th.anchor, resolved: th.status === 'resolved' }] : [])),
    [list],
  );

  useEffect(() => {
    if (editor) setCommentAnchors(editor, anchors);
  }, [editor, anchors]);
  useEffect(() => {
    if (editor) setActiveThread(editor, active);
  }, [editor, active]);

  const detachedKey = useEditorState({ editor, selector: (ctx) => (ctx.editor ? [...detachedThreads(ctx.editor.state)].sort().join(',') : '') }) ?? '';
  const detached = useMemo(() => new Set(detachedKey.split(',').filter(Boolean)), [detachedKey]);

  function startOnSelection() {
    setHint(null);
    const range = editor ? selectedRange(editor) : null;
    const anchor = editor && range ? anchorFor(editor.state, range.from, range.to) : null;
    if (!anchor) {
      setHint(t('comments.selectFirst'));
      return;
    }
    setDraft({ anchor });
  }

  function select(threadId: string) {
    setActive((cur) => (cur === threadId ? null : threadId));
    if (!editor) return;
    const range = threadRange(editor.state, anchors, threadId);
    if (!range) return;
    const { node } = editor.view.domAtPos(range.from);
    const el = node instanceof Element ? node : node.parentElement;
    el?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }

  const open = (list ?? []).filter((th) => th.status === 'open');
  const resolved = (list ?? []).filter((th) => th.status === 'resolved');
  const canComment = section.abilities.comment;

  return (
    <section className="comments" aria-labelledby="comments-heading" data-testid="comments-panel">
      <h2 id="comments-heading">
        {t('comments.title')} <span className="muted" data-testid="open-thread-count">({list ? threads.openThreads : open.length})</span>
      </h2>
      {canComment && !draft && (
        <div className="comments__start">
          <button type="button" className="button button--small button--primary" onMouseDown={(e) => e.preventDefault()} onClick={startOnSelection} data-testid="comment-on-selection">
            {t('comments.onSelection')}
          </button>
          <button type="button" className="button button--small" onClick={() => setDraft({ anchor: null })}>
            {t('comments.onSection')}
          </button>
        </div>
      )}
      {hint && (
        <p className="muted" role="status">
          {hint}
        </p>
      )}
      {draft && (
        <div className="comments__draft">
          {draft.anchor ? (
            <p className="thread__quote" data-testid="draft-quote">
              <q>{draft.anchor.quote}</q>
            </p>
          ) : (
            <p className="muted">{t('comments.aboutSection')}</p>
          )}
          <Composer
            members={proposal.members}
            label={t('comments.newLabel')}
            submitLabel={t('comments.post')}
            autoFocus
            onCancel={() => setDraft(null)}
            onSubmit={async (body, mentions) => {
              const res = await reviewApi.createComment(section.id, { body, mentions, ...(draft.anchor ? { anchor: draft.anchor } : {}) });
              setDraft(null);
              setActive(res.comment.threadId);
              threads.reload();
            }}
          />
        </div>
      )}
      {threads.error && !list && (
        <p className="field__error" role="alert">
          {errorText(threads.error, i18n)}
        </p>
      )}
      {list === null && !threads.error && <p className="muted">{t('common.loading')}</p>}
      {list && open.length === 0 && <p className="muted">{t('comments.none')}</p>}
      <div className="comments__list" aria-live="polite">
        {open.map((th) => (
          <ThreadView
            key={th.id}
            thread={th}
            detached={th.detached || detached.has(th.id)}
            active={active === th.id}
            members={proposal.members}
            onSelect={select}
            onChanged={threads.reload}
          />
        ))}
      </div>
      {threads.hasMore && (
        <button type="button" className="link-button" onClick={threads.loadMore} data-testid="comments-show-more">
          {t('comments.showMore')}
        </button>
      )}
      {resolved.length > 0 && (
        <div className="comments__resolved">
          <button type="button" className="link-button" aria-expanded={showResolved} onClick={() => setShowResolved((v) => !v)}>
            {t('comments.resolvedCount', { count: resolved.length })}
          </button>
          {showResolved &&
            resolved.map((th) => (
              <ThreadView
                key={th.id}
                thread={th}
                detached={th.detached || detached.has(th.id)}
                active={active === th.id}
                members={proposal.members}
                onSelect={select}
                onChanged={threads.reload}
              />
            ))}
        </div>
      )}
    </section>
  );
}
