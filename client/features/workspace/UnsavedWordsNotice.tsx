import { useEffect, useRef, useState } from 'react';
import type { SectionConnection } from '../../collab/provider';
import { commentChunks, shownReason, unsavedText, type UnsavedReason, type UnsavedWords } from '../../collab/unsaved-words';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { limits } from '../../../shared/limits';
import type { MessageKey } from '../../../shared/i18n/en';
import { reviewApi } from '../review/review-api';

/**
 * The words of a dropped local copy that the server never stored, shown to
 * their author with a Copy button and a one-click "post as a comment". It stays
 * until dismissed, also across a reload (sessionStorage), and posting marks it done.
 */

export interface UnsavedWordsNoticeProps {
  conn: SectionConnection;
  unsaved: UnsavedWords | null;
  userId: string;
  sectionId: string;
  /** The section is approved or final now: the words were refused because it was locked. */
  locked: boolean;
  /** The workspace still lets the user edit the section. */
  canEdit: boolean;
}

interface Kept extends UnsavedWords {
  readonly posted: boolean;
}

const storageKey = (userId: string, sectionId: string) => `twinpad:unsaved:${userId}:${sectionId}`;

function readKept(key: string): Kept | null {
  try {
    const raw = sessionStorage.getItem(key);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Kept>;
    if (!Array.isArray(v.passages) || typeof v.at !== 'number') return null;
    const reason: UnsavedReason = v.reason === 'locked' || v.reason === 'rights-changed' ? v.reason : 'refused';
    return { reason, passages: v.passages.filter((p): p is string => typeof p === 'string'), at: v.at, posted: v.posted === true };
  } catch {
    return null;
  }
}

function writeKept(key: string, kept: Kept | null): void {
  try {
    if (kept) sessionStorage.setItem(key, JSON.stringify(kept));
    else sessionStorage.removeItem(key);
  } catch {
    /* storage full or blocked: the notice still lives in memory */
  }
}

function titleKey(reason: UnsavedReason): MessageKey {
  switch (reason) {
    case 'locked':
      return 'unsaved.titleLocked';
    case 'rights-changed':
      return 'unsaved.titleRightsChanged';
    case 'refused':
      return 'unsaved.titleRefused';
    default: {
      const never: never = reason;
      throw new Error(`unknown reason ${String(never)}`);
    }
  }
}

type CopyState = 'idle' | 'copied' | 'selected';

export function UnsavedWordsNotice({ conn, unsaved, userId, sectionId, locked, canEdit }: UnsavedWordsNoticeProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const key = storageKey(userId, sectionId);
  const [kept, setKept] = useState<Kept | null>(() => readKept(key));
  const [copy, setCopy] = useState<CopyState>('idle');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const textRef = useRef<HTMLPreElement>(null);

  // A new loss from the connection replaces what is kept (it already includes earlier passages not dismissed).
  useEffect(() => {
    if (!unsaved) return;
    setKept((prev) => {
      if (prev && prev.at === unsaved.at) return prev;
      const next: Kept = { ...unsaved, posted: false };
      writeKept(key, next);
      return next;
    });
  }, [unsaved, key]);

  if (!kept || kept.passages.length === 0) return null;
  const text = unsavedText(kept.passages);
  const chunks = commentChunks(text, limits.commentMaxChars);
  const reason = shownReason(kept.reason, { locked, canEdit });

  const update = (next: Kept | null) => {
    setKept(next);
    writeKept(key, next);
  };

  const dismiss = () => {
    update(null);
    conn.dismissUnsaved();
  };

  const selectText = () => {
    const el = textRef.current;
    const sel = window.getSelection();
    if (!el || !sel) return;
    const range = document.createRange();
    range.selectNodeContents(el);
    sel.removeAllRanges();
    sel.addRange(range);
  };

  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopy('copied');
    } catch {
      selectText();
      setCopy(document.execCommand('copy') ? 'copied' : 'selected');
    }
  };

  const onPost = async () => {
    setBusy(true);
    setError(null);
    try {
      for (const body of chunks) await reviewApi.createComment(sectionId, { body });
      update({ ...kept, posted: true });
      conn.dismissUnsaved();
    } catch (err) {
      setError(errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="banner banner--warning unsaved" role="alert" data-testid="unsaved-words" data-reason={reason}>
      <h2 className="unsaved__title">{t(titleKey(reason))}</h2>
      <p className="muted">{t('unsaved.hint')}</p>
      <pre className="unsaved__text" ref={textRef} data-testid="unsaved-words-text">
        {kept.passages.join('\n')}
      </pre>
      {chunks.length > 1 && <p className="muted">{t('unsaved.split', { count: chunks.length })}</p>}
      <div className="unsaved__actions">
        <button type="button" className="button" onClick={() => void onCopy()} data-testid="unsaved-words-copy">
          {copy === 'copied' ? t('unsaved.copied') : t('unsaved.copy')}
        </button>
        {kept.posted ? (
          <span className="unsaved__done" data-testid="unsaved-words-posted">
            ✓ {t('unsaved.posted')}
          </span>
        ) : (
          <button type="button" className="button button--primary" disabled={busy} onClick={() => void onPost()} data-testid="unsaved-words-comment">
            {busy ? t('unsaved.posting') : t('unsaved.comment')}
          </button>
        )}
        <button type="button" className="button" onClick={dismiss} data-testid="unsaved-words-dismiss">
          {t('unsaved.dismiss')}
        </button>
      </div>
      {copy === 'selected' && <p className="muted">{t('unsaved.copyFailed')}</p>}
      {error && <p className="form__error">{t('unsaved.postFailed', { message: error })}</p>}
    </section>
  );
}
