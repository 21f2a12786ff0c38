import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import { limits } from '../../../shared/limits';
import { loginRequestSchema, signupRequestSchema } from '../../../shared/schemas';
import { apiErrors, Field, fieldErrors, type FieldErrors } from '../forms/Field';
import { useSession } from './session';

/** Where to go after signing in: `?next=` when it is a local path, else the proposals. */
export function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/proposals';
}

function withNext(path: string): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export function LoginPage() {
  const { t } = useI18n();
  const session = useSession();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const parsed = loginRequestSchema.safeParse({ email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') });
    setFormError(null);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error, t));
    setErrors({});
    setBusy(true);
    try {
      const { user } = await api.login(parsed.data);
      session.signedIn(user);
      navigate(nextPath(), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setFormError(t('auth.badCredentials'));
      else if (err instanceof ApiError && err.status === 429) setFormError(t('auth.tooManyAttempts'));
      else {
        const { fields, form } = apiErrors(err, t);
        setErrors(fields);
        setFormError(form);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="auth-page">
      <h1>{t('auth.signInTitle')}</h1>
      <form className="card form" onSubmit={submit} noValidate>
        <Field name="email" type="email" autoComplete="username" label={t('auth.email')} error={errors.email} required />
        <Field name="password" type="password" autoComplete="current-password" label={t('auth.password')} error={errors.password} required />
        {formError && (
          <p className="form__error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('auth.signIn')}
        </button>
      </form>
      <p>
        {t('auth.noAccount')} <Link href={withNext('/signup')}>{t('auth.signUp')}</Link>
      </p>
    </main>
  );
}

export function SignupPage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const parsed = signupRequestSchema.safeParse({
      name: String(data.get('name') ?? ''),
      email: String(data.get('email') ?? ''),
      password: String(data.get('password') ?? ''),
      locale,
    });
    setFormError(null);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error, t));
    setErrors({});
    setBusy(true);
    try {
      const { user } = await api.signup(parsed.data);
      session.signedIn(user);
      navigate(nextPath(), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setErrors({ email: t('auth.emailTaken') });
      else {
        const { fields, form } = apiErrors(err, t);
        setErrors(fields);
        setFormError(form);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="auth-page">
      <h1>{t('auth.signUpTitle')}</h1>
      <form className="card form" onSubmit={submit} noValidate>
        <Field name="name" autoComplete="name" label={t('auth.name')} error={errors.name} required />
        <Field name="email" type="email" autoComplete="username" label={t('auth.email')} error={errors.email} required />
        <Field
          name="password"
          type="password"
          autoComplete="new-password"
          label={t('auth.password')}
          hint={t('auth.passwordHint', { min: limits.passwordMinChars })}
          error={errors.password}
          required
        />
        {formError && (
          <p className="form__error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('auth.signUp')}
        </button>
      </form>
      <p>
        {t('auth.haveAccount')} <Link href={withNext('/login')}>{t('auth.signIn')}</Link>
      </p>
    </main>
  );
}
