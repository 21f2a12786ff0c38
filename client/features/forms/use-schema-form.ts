import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { useI18n } from '../../i18n';
import { apiErrors, fieldErrors, type FieldErrors } from './Field';

/** What a form shows for a refusal it knows better than the generic mapping. */
export type Refusal = { fields?: FieldErrors; form?: string };

export interface SchemaFormOptions<S extends z.ZodType> {
  /** The raw values, shaped for the schema. */
  read(data: FormData): unknown;
  /** Sends the validated values (the form element, e.g. to reset it); throws ApiError on refusal. */
  send(value: z.infer<S>, form: HTMLFormElement): Promise<void>;
  /** A form-specific message for some refusals (e.g. 409 email taken); null for the generic mapping. */
  refused?(err: unknown): Refusal | null;
  /** Messages replacing zod's for some fields. */
  overrides?: Record<string, string>;
}

/**
 * One form's life: validate with the shared schema (field errors next to the
 * fields), send, and map the server's refusal to field or form errors.
 */
export function useSchemaForm<S extends z.ZodType>(schema: S, opts: SchemaFormOptions<S>) {
  const i18n = useI18n();
  const { t } = i18n;
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const parsed = schema.safeParse(opts.read(new FormData(form)));
    setFormError(null);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error, t, opts.overrides));
    setErrors({});
    setBusy(true);
    try {
      await opts.send(parsed.data, form);
    } catch (err) {
      const { fields, form } = opts.refused?.(err) ?? apiErrors(err, i18n);
      setErrors(fields ?? {});
      setFormError(form ?? null);
    } finally {
      setBusy(false);
    }
  }

  return { errors, formError, busy, submit };
}
