import { api, ApiError } from '../../api';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import { limits } from '../../../shared/limits';
import { loginRequestSchema, signupRequestSchema } from '../../../shared/schemas';
import { Field } from '../forms/Field';
import { useSchemaForm } from '../forms/use-schema-form';
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
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const { errors, formError, busy, submit } = useSchemaForm(loginRequestSchema, {
    read: (data) => ({ email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') }),
    async send(value) {
      const { user } = await api.login(value);
      session.signedIn(user);
      navigate(nextPath(), { replace: true });
    },
    refused(err) {
      if (err instanceof ApiError && err.status === 401) return { form: t('auth.badCredentials') };
      // SEC17/SEC19: the wait the server asks for, in seconds or minutes (client/errors.ts).
      if (err instanceof ApiError && err.status === 429) return { form: errorText(err, i18n) };
      return null;
    },
  });

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
  const { errors, formError, busy, submit } = useSchemaForm(signupRequestSchema, {
    read: (data) => ({
      name: String(data.get('name') ?? ''),
      email: String(data.get('email') ?? ''),
      password: String(data.get('password') ?? ''),
      locale,
    }),
    async send(value) {
      const { user } = await api.signup(value);
      session.signedIn(user);
      navigate(nextPath(), { replace: true });
    },
    refused: (err) => (err instanceof ApiError && err.status === 409 ? { fields: { email: t('auth.emailTaken') } } : null),
  });

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
