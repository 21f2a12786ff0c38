import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { limits } from '../../../shared/limits';
import type { Member } from '../../../shared/schemas';

/** Members whose `@Name` occurs in the text. */
export function mentionedIds(body: string, members: readonly Member[]): string[] {
  return members.filter((m) => body.includes(`@${m.name}`)).map((m) => m.userId);
}

/** The `@partial` being typed just before the caret, if any. */
function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([^\s@]{0,40})$/.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]!.toLowerCase() };
}

export interface ComposerProps {
  members: readonly Member[];
  label: string;
  submitLabel: string;
  initial?: string;
  autoFocus?: boolean;
  onSubmit(body: string, mentions: string[]): Promise<void>;
  onCancel?(): void;
}

/** A plain-text comment box with @mention suggestions of the proposal's members. */
export function Composer({ members, label, submitLabel, initial = '', autoFocus, onSubmit, onCancel }: ComposerProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [body, setBody] = useState(initial);
  const [caret, setCaret] = useState(initial.length);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  // A11Y7: the suggestions are a listbox driven from the textarea (aria-activedescendant):
  // arrows choose, Enter or Tab inserts, Escape closes them for this mention.
  const [activeIndex, setActiveIndex] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const q = mentionQuery(body, caret);
  const open = q !== null && q.start !== dismissedAt;
  const suggestions = q && open ? members.filter((m) => m.name.toLowerCase().includes(q.query)).slice(0, 6) : [];
  const active = suggestions.length > 0 ? Math.min(activeIndex, suggestions.length - 1) : -1;
  const listId = `${id}-mentions`;
  const optionId = (i: number) => `${id}-mention-${i}`;
  const tooLong = body.length > limits.commentMaxChars;

  function pick(m: Member) {
    if (!q) return;
    const next = `${body.slice(0, q.start)}@${m.name} ${body.slice(caret)}`;
    const at = q.start + m.name.length + 2;
    setBody(next);
    setCaret(at);
    setActiveIndex(0);
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(at, at);
    });
  }

  async function submit() {
    const text = body.trim();
    if (!text || tooLong || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit(text, mentionedIds(text, members));
      setBody('');
      setCaret(0);
    } catch (err) {
      setError(errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.length > 0 && !e.altKey && !e.ctrlKey && !e.metaKey) {
      const picked = suggestions[active];
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setActiveIndex((active + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((e.key === 'Enter' || (e.key === 'Tab' && !e.shiftKey)) && picked) {
        e.preventDefault();
        pick(picked);
        return;
      }
      if (e.key === 'Escape' && q) {
        e.preventDefault();
        e.stopPropagation();
        setDismissedAt(q.start);
        return;
      }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && onCancel) onCancel();
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <textarea
        id={id}
        ref={ref}
        className="composer__input"
        value={body}
        rows={3}
        placeholder={label}
        autoFocus={autoFocus}
        maxLength={limits.commentMaxChars + 100}
        aria-invalid={tooLong || undefined}
        aria-autocomplete="list"
        aria-controls={suggestions.length > 0 ? listId : undefined}
        aria-activedescendant={active >= 0 ? optionId(active) : undefined}
        onChange={(e) => {
          setBody(e.target.value);
          setCaret(e.target.selectionStart);
          setActiveIndex(0);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        data-testid="comment-input"
      />
      {suggestions.length > 0 && (
        <ul className="composer__mentions" id={listId} role="listbox" aria-label={t('comments.mentionSuggestions')} data-testid="mention-list">
          {suggestions.map((m, i) => (
            <li
              key={m.userId}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'composer__mention composer__mention--active' : 'composer__mention'}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(m)}
            >
              @{m.name}
            </li>
          ))}
        </ul>
      )}
      <p className="visually-hidden" role="status">
        {suggestions.length > 0 ? `${t('comments.mentionCount', { count: suggestions.length })}. ${t('comments.mentionHint')}` : ''}
      </p>
      {tooLong && <p className="field__error">{t('field.tooLong', { max: limits.commentMaxChars })}</p>}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="composer__actions">
        <button type="submit" className="button button--small button--primary" disabled={busy || !body.trim() || tooLong}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button button--small" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
