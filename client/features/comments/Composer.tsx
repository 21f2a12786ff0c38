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
  const q = mentionQuery(body, caret);
  const suggestions = q ? members.filter((m) => m.name.toLowerCase().includes(q.query)).slice(0, 6) : [];
  const tooLong = body.length > limits.commentMaxChars;

  function pick(m: Member) {
    if (!q) return;
    const next = `${body.slice(0, q.start)}@${m.name} ${body.slice(caret)}`;
    const at = q.start + m.name.length + 2;
    setBody(next);
    setCaret(at);
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
        onChange={(e) => {
          setBody(e.target.value);
          setCaret(e.target.selectionStart);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        data-testid="comment-input"
      />
      {suggestions.length > 0 && (
        <ul className="composer__mentions" role="listbox" aria-label={t('comments.mentionSuggestions')}>
          {suggestions.map((m) => (
            <li key={m.userId} role="option" aria-selected={false}>
              <button type="button" className="link-button" onMouseDown={(e) => e.preventDefault()} onClick={() => pick(m)}>
                @{m.name}
              </button>
            </li>
          ))}
        </ul>
      )}
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
