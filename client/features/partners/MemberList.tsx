import { useId, useState } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../auth/session';
import { roleSchema, type Member, type Proposal, type Role } from '../../../shared/schemas';
import { api } from '../../api';
import { errorText } from '../../errors';
import { ConfirmDialog } from './ConfirmDialog';
import { Flag } from './Flag';
import { partnersApi } from './partners-api';

/**
 * The proposal's people: coordinators change a member's role and partner and remove
 * them (after a confirmation). The only coordinator's role and removal are disabled,
 * with the reason beside them, before anyone clicks (CTRY6); the server refuses too.
 */
export function MemberList({ proposal, manage, onChanged }: { proposal: Proposal; manage: boolean; onChanged(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const me = session.state.status === 'signed-in' ? session.state.user.id : null;
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const reasonId = useId();
  const partners = new Map(proposal.partners.map((p) => [p.id, p]));
  const coordinators = proposal.members.filter((m) => m.role === 'coordinator').length;
  const isLastCoordinator = (m: Member) => m.role === 'coordinator' && coordinators <= 1;

  async function change(userId: string, body: { role?: Role; partnerId?: string }) {
    setError(null);
    try {
      await api.updateMember(proposal.id, userId, body);
      onChanged();
    } catch (err) {
      setError(errorText(err, i18n));
    }
  }

  async function remove(m: Member) {
    setRemoveError(null);
    try {
      await partnersApi.removeMember(proposal.id, m.userId);
      setRemoving(null);
      onChanged();
    } catch (err) {
      setRemoveError(errorText(err, i18n));
    }
  }

  return (
    <section className="card" aria-labelledby="members-heading">
      <h2 id="members-heading">{t('partners.members')}</h2>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      <table className="table" data-testid="members">
        <thead>
          <tr>
            <th scope="col">{t('partners.person')}</th>
            <th scope="col">{t('partners.memberOf')}</th>
            <th scope="col">{t('partners.role')}</th>
            {manage && <th scope="col">{t('memberEdit.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {proposal.members.map((m) => {
            const partner = partners.get(m.partnerId);
            const last = isLastCoordinator(m);
            const rowReason = `${reasonId}-${m.userId}`;
            return (
              <tr key={m.userId} data-email={m.email}>
                <td>
                  {m.name} {m.userId === me && <small className="muted">{t('memberEdit.you')}</small>}
                  <br />
                  <small className="muted">{m.email}</small>
                  {manage && last && (
                    <small id={rowReason} className="reason" data-testid="last-coordinator-reason">
                      {t('memberEdit.lastCoordinator')}
                    </small>
                  )}
                </td>
                <td>
                  {manage ? (
                    <select aria-label={`${t('partners.memberOf')}: ${m.name}`} value={m.partnerId} onChange={(e) => void change(m.userId, { partnerId: e.target.value })}>
                      {proposal.partners.map((p) => (
                        <option key={p.id} value={p.id}>
                          {p.name} ({p.country})
                        </option>
                      ))}
                    </select>
                  ) : (
                    <>
                      {partner && <Flag country={partner.country} />} {partner?.name}
                    </>
                  )}
                </td>
                <td>
                  {manage ? (
                    <select
                      aria-label={`${t('partners.role')}: ${m.name}`}
                      value={m.role}
                      data-testid={`role-${m.email}`}
                      disabled={last}
                      aria-describedby={last ? rowReason : undefined}
                      title={last ? t('memberEdit.lastCoordinator') : undefined}
                      onChange={(e) => {
                        const role = roleSchema.safeParse(e.target.value);
                        if (role.success) void change(m.userId, { role: role.data });
                      }}
                    >
                      {roleSchema.options.map((r) => (
                        <option key={r} value={r}>
                          {t(`role.${r}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    t(`role.${m.role}`)
                  )}
                </td>
                {manage && (
                  <td>
                    <button
                      type="button"
                      className="button button--small"
                      disabled={last}
                      aria-label={t('memberEdit.remove', { name: m.name })}
                      aria-describedby={last ? rowReason : undefined}
                      title={last ? t('memberEdit.lastCoordinator') : t('memberEdit.remove', { name: m.name })}
                      data-testid={`remove-${m.email}`}
                      onClick={() => {
                        setRemoveError(null);
                        setRemoving(m);
                      }}
                    >
                      {t('partnerEdit.removeShort')}
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {removing && (
        <ConfirmDialog
          title={t('memberEdit.removeTitle', { name: removing.name })}
          confirmLabel={t('memberEdit.confirmRemove')}
          onConfirm={() => remove(removing)}
          onClose={() => setRemoving(null)}
          error={removeError}
        >
          <p>{t('memberEdit.removeBody', { name: removing.name })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
