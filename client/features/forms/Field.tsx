import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import type { z } from 'zod';
import type { I18n } from '../../i18n';
import { ApiError } from '../../api';
import { errorText, type ErrorI18n } from '../../errors';

export type FieldErrors = Partial<Record<string, string>>;

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
}

/** A labelled input with its error beside it (aria-invalid, aria-describedby). */
export function Field({ label, error, hint, id, ...input }: FieldProps) {
  const auto = useId();
  const inputId = id ?? auto;
  const errorId = `${inputId}-error`;
  const hintId = `${inputId}-hint`;
  const described = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
      {hint && !error && (
        <small id={hintId} className="field__hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={errorId} className="field__error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** A zod issue from the shared schemas, in the interface language. */
export function issueMessage(issue: z.core.$ZodIssue, t: I18n['t']): string {
  switch (issue.code) {
    case 'too_small':
      return Number(issue.minimum) <= 1 ? t('field.required') : t('field.tooShort', { min: Number(issue.minimum) });
    case 'too_big':
      return t('field.tooLong', { max: Number(issue.maximum) });
    case 'invalid_format':
      return issue.format === 'email' ? t('field.invalidEmail') : t('field.invalid');
    case 'invalid_type':
      return t('field.required');
    default:
      return t('field.invalid');
  }
}

/** Field errors keyed by the dotted path of each issue (first issue per field wins). */
export function fieldErrors(error: z.ZodError, t: I18n['t'], overrides: Record<string, string> = {}): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.');
    out[path] ??= overrides[path] ?? issueMessage(issue, t);
  }
  return out;
}

/** A server refusal as field errors (invalid input naming a field) or a translated form error (client/errors.ts). */
export function apiErrors(err: unknown, i18n: ErrorI18n): { fields: FieldErrors; form: string | null } {
  if (err instanceof ApiError && err.code === 'invalid_input' && err.field) return { fields: { [err.field]: i18n.t('field.invalid') }, form: null };
  return { fields: {}, form: errorText(err, i18n) };
}
