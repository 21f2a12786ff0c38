import { useState } from 'react';
import { localeTags } from '../../../shared/i18n';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import type { Member } from '../../../shared/schemas';
import type { Comment, Thread } from '../../../shared/schemas/review';
import { reviewApi } from '../review/review-api';
import { CommentBody } from './CommentBody';
import { Composer } from './Composer';

export interface ThreadViewProps {
  thread: Thread;
  /** The anchored text is gone (the server said so, or the live document shows it). */
  detached: boolean;
  active: boolean;
  members: readonly Member[];
  onSelect(threadId: string): void;
  onChanged(): void;
}

/** One thread: its quote, comments and replies, and the actions its abilities allow. */
export function ThreadView({ thread, detached, active, members, onSelect, onChanged }: ThreadViewProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [replying, setReplying] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const root = thread.comments[0];
  const resolved = thread.status === 'resolved';

  async function act(fn: () => Promise<unknown>) {
    setError(null);
    try {
      await fn();
      onChanged();
    } catch (err) {
      setError(errorText(err, i18n));
    }
  }

  return (
    <article
      className={`thread${resolved ? ' thread--resolved' : ''}${active ? ' thread--active' : ''}${detached ? ' thread--detached' : ''}`}
      data-testid="thread"
      data-thread-id={thread.id}
      data-status={thread.status}
      aria-label={t('comments.threadBy', { name: root?.author.name ?? '?' })}
    >
      {thread.anchor ? (
        <button type="button" className="thread__quote" onClick={() => onSelect(thread.id)} title={t('comments.showInText')}>
          <q>{thread.anchor.quote}</q>
          {detached && (
            <span className="chip chip--detached" data-testid="thread-detached">
              {t('comments.detached')}
            </span>
          )}
        </button>
      ) : (
        <p className="thread__quote thread__quote--section muted">{t('comments.aboutSection')}</p>
      )}
      {resolved && (
        <p className="muted thread__resolved" data-testid="thread-resolved">
          {t('comments.resolvedBy', { name: thread.resolvedBy?.name ?? '?' })}
        </p>
      )}
      <ol className="thread__comments">
        {thread.comments.map((c) => (
          <li key={c.id}>
            <CommentItem comment={c} members={members} onAct={act} />
          </li>
        ))}
      </ol>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="thread__actions">
        {thread.abilities.reply && !replying && !resolved && (
          <button type="button" className="button button--small" onClick={() => setReplying(true)}>
            {t('comments.reply')}
          </button>
        )}
        {thread.abilities.resolve && root && (
          <button
            type="button"
            className="button button--small"
            onClick={() => void act(() => reviewApi.updateComment(root.id, { resolved: !resolved }))}
          >
            {resolved ? t('comments.reopen') : t('comments.resolve')}
          </button>
        )}
      </div>
      {replying && (
        <Composer
          members={members}
          label={t('comments.replyLabel')}
          submitLabel={t('comments.reply')}
          autoFocus
          onCancel={() => setReplying(false)}
          onSubmit={async (body, mentions) => {
            await reviewApi.createComment(thread.sectionId, { body, parentId: thread.id, mentions });
            setReplying(false);
            onChanged();
          }}
        />
      )}
    </article>
  );
}

function CommentItem({ comment, members, onAct }: { comment: Comment; members: readonly Member[]; onAct(fn: () => Promise<unknown>): Promise<void> }) {
  const { t, locale } = useI18n();
  const [editing, setEditing] = useState(false);
  const when = new Date(comment.createdAt);
  return (
    <div className="comment" data-testid="comment" data-comment-id={comment.id}>
      <p className="comment__meta">
        <span className="comment__author" style={{ borderColor: comment.author.color }}>
          {comment.author.name}
          {comment.author.country && <span className="muted"> · {comment.author.country}</span>}
        </span>{' '}
        <time className="muted" dateTime={comment.createdAt} title={when.toLocaleString(localeTags[locale])}>
          {when.toLocaleString(localeTags[locale], { dateStyle: 'short', timeStyle: 'short' })}
        </time>
        {comment.editedAt && !comment.deleted && <span className="muted"> · {t('comments.edited')}</span>}
      </p>
      {comment.deleted ? (
        <p className="comment__body comment__body--deleted muted" data-testid="comment-deleted">
          {t('comments.deleted')}
        </p>
      ) : editing ? (
        <Composer
          members={members}
          label={t('comments.editLabel')}
          submitLabel={t('common.save')}
          initial={comment.body}
          autoFocus
          onCancel={() => setEditing(false)}
          onSubmit={async (body, mentions) => {
            await onAct(() => reviewApi.updateComment(comment.id, { body, mentions }));
            setEditing(false);
          }}
        />
      ) : (
        <CommentBody body={comment.body} />
      )}
      {!comment.deleted && !editing && (comment.abilities.edit || comment.abilities.delete) && (
        <p className="comment__tools">
          {comment.abilities.edit && (
            <button type="button" className="link-button" onClick={() => setEditing(true)}>
              {t('comments.edit')}
            </button>
          )}
          {comment.abilities.delete && (
            <button type="button" className="link-button" onClick={() => void onAct(() => reviewApi.deleteComment(comment.id))}>
              {t('comments.delete')}
            </button>
          )}
        </p>
      )}
    </div>
  );
}
