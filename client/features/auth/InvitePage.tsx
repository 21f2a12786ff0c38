import { useEffect, useState } from 'react';
import { api, ApiError } from '../../api';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import type { InvitationPreview } from '../../../shared/schemas';
import { useSession } from './session';

/** `invalid` keeps the refusal: a revoked, expired or used-up link says which (TEAM6, TEAM12). */
type Preview =
  | { status: 'loading' }
  | { status: 'ready'; invitation: InvitationPreview['invitation'] }
  | { status: 'unavailable' }
  | { status: 'invalid'; error: unknown };

export function InvitePage({ token }: { token: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { state } = useSession();
  const [preview, setPreview] = useState<Preview>({ status: 'loading' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signedIn = state.status === 'signed-in';
  const here = `/invite/${encodeURIComponent(token)}`;

  useEffect(() => {
    let live = true;
    api.previewInvitation(token).then(
      ({ invitation }) => live && setPreview({ status: 'ready', invitation }),
      (err: unknown) => {
        if (!live) return;
        // Without a session the preview may be refused; the link can still be accepted after signing in.
        if (err instanceof ApiError && err.status === 401) setPreview({ status: 'unavailable' });
        else setPreview({ status: 'invalid', error: err });
      },
    );
    return () => {
      live = false;
    };
  }, [token, signedIn]);

  async function accept() {
    setBusy(true);
    setError(null);
    try {
      const { proposalId } = await api.acceptInvitation(token);
      navigate(`/proposals/${encodeURIComponent(proposalId)}`, { replace: true });
    } catch (err) {
      // The refusal's own code says why (revoked, expired, used up, already a member); a bare 404 or 400 reads as an invalid link.
      const bare = err instanceof ApiError && ((err.status === 404 && err.code === 'not_found') || err.status === 400);
      setError(bare ? t('invite.invalid') : errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="auth-page">
      <h1>{t('invite.title')}</h1>
      <div className="card">
        {preview.status === 'loading' && <p>{t('common.loading')}</p>}
        {preview.status === 'invalid' && (
          <p role="alert" data-testid="invite-refusal">
            {preview.error instanceof ApiError && preview.error.code !== 'not_found' && preview.error.status !== 400 ? errorText(preview.error, i18n) : t('invite.invalid')}
          </p>
        )}
        {preview.status === 'ready' && (
          <p data-testid="invite-preview">
            {t('invite.body', {
              proposal: preview.invitation.proposalTitle,
              role: t(`role.${preview.invitation.role}`),
              partner: preview.invitation.partner.name,
              country: preview.invitation.partner.country,
            })}
          </p>
        )}
        {error && (
          <p className="form__error" role="alert">
            {error}
          </p>
        )}
        {preview.status !== 'invalid' &&
          (signedIn ? (
            <button type="button" className="button button--primary" onClick={accept} disabled={busy}>
              {t('invite.accept')}
            </button>
          ) : (
            <div className="actions">
              <Link className="button button--primary" href={`/signup?next=${encodeURIComponent(here)}`}>
                {t('invite.signUpFirst')}
              </Link>
              <Link className="button" href={`/login?next=${encodeURIComponent(here)}`}>
                {t('invite.signInFirst')}
              </Link>
            </div>
          ))}
      </div>
    </main>
  );
}
