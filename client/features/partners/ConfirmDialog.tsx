import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../../i18n';
import './partners.css';

interface ConfirmDialogProps {
  title: string;
  confirmLabel: string;
  /** Defaults to "Cancel". */
  cancelLabel?: string;
  /** Runs on confirm; the dialog stays open (with the error shown) when it throws. */
  onConfirm(): void | Promise<void>;
  onClose(): void;
  error?: string | null;
  busy?: boolean;
  children?: ReactNode;
}

/**
 * A modal question before a change that cannot be undone (remove a partner, remove a
 * person, revoke a link): the native <dialog>, so focus moves into it, Escape closes it and the page
 * behind is inert. The title names the dialog.
 */
export function ConfirmDialog({ title, confirmLabel, cancelLabel, onConfirm, onClose, error, busy, children }: ConfirmDialogProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onConfirm();
  };
  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        {children}
        {error && (
          <p className="form__error" role="alert">
            {error}
          </p>
        )}
        <div className="confirm-dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            {cancelLabel ?? t('partnerEdit.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
