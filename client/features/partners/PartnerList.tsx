import { useId, useState } from 'react';
import { useI18n } from '../../i18n';
import type { Partner, Proposal } from '../../../shared/schemas';
import type { RemovePartnerInput } from '../../../shared/schemas/partners';
import { errorText } from '../../errors';
import { ConfirmDialog } from './ConfirmDialog';
import { Flag } from './Flag';
import { AddPartnerForm, EditPartnerForm } from './PartnerForm';
import { partnersApi } from './partners-api';

/** The proposal's partner organisations; coordinators add, edit and remove them (CTRY5). */
export function PartnerList({ proposal, manage, onChanged }: { proposal: Proposal; manage: boolean; onChanged(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Partner | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const leadReasonId = useId();

  const sectionsOf = (partnerId: string) => proposal.sections.filter((s) => s.ownerPartnerId === partnerId);
  const membersOf = (partnerId: string) => proposal.members.filter((m) => m.partnerId === partnerId);

  return (
    <section className="card" aria-labelledby="partners-heading">
      <h2 id="partners-heading">{t('partners.list')}</h2>
      <p className="muted" role="status">
        {notice}
      </p>
      <ul className="partner-list" data-testid="partner-list">
        {proposal.partners.map((p) => (
          <li key={p.id} data-partner={p.id} data-country={p.country}>
            {editing === p.id ? (
              <EditPartnerForm
                partner={p}
                onCancel={() => setEditing(null)}
                onSave={async (value) => {
                  await partnersApi.updatePartner(p.id, value);
                  setEditing(null);
                  onChanged();
                }}
              />
            ) : (
              <div className="partner-row">
                <span className="partner-row__name">
                  <Flag country={p.country} /> <strong>{p.name}</strong>, {p.town} · {t(kindKey(p.kind))}
                  {p.isLead && <span className="chip chip--lead">{t('partners.lead')}</span>}
                  <span className="reason">{t('partnerEdit.owns', { sections: sectionsOf(p.id).length, members: membersOf(p.id).length })}</span>
                </span>
                {manage && (
                  <span className="partner-row__actions">
                    <button type="button" className="button button--small" onClick={() => setEditing(p.id)} aria-label={t('partnerEdit.edit', { name: p.name })} title={t('partnerEdit.edit', { name: p.name })}>
                      {t('partnerEdit.editShort')}
                    </button>
                    <button
                      type="button"
                      className="button button--small"
                      disabled={p.isLead}
                      aria-describedby={p.isLead ? leadReasonId : undefined}
                      onClick={() => setRemoving(p)}
                      aria-label={t('partnerEdit.remove', { name: p.name })}
                      title={p.isLead ? t('partnerEdit.leadCannotGo') : t('partnerEdit.remove', { name: p.name })}
                    >
                      {t('partnerEdit.removeShort')}
                    </button>
                  </span>
                )}
                {manage && p.isLead && (
                  <span id={leadReasonId} className="reason">
                    {t('partnerEdit.leadCannotGo')}
                  </span>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {manage && (
        <AddPartnerForm
          onAdd={async (value) => {
            await partnersApi.addPartner(proposal.id, value);
            onChanged();
          }}
        />
      )}
      {removing && (
        <RemovePartnerDialog
          proposal={proposal}
          partner={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            setNotice(t('partnerRemove.done', { name: removing.name }));
            setRemoving(null);
            onChanged();
          }}
          errorText={(err) => errorText(err, i18n)}
        />
      )}
    </section>
  );
}

/** `partnerKind.<kind>` for the kinds we know; an older or newer kind shows as "other". */
function kindKey(kind: string) {
  switch (kind) {
    case 'municipality':
    case 'ngo':
    case 'association':
    case 'school':
    case 'university':
    case 'public_body':
    case 'business':
      return `partnerKind.${kind}` as const;
    default:
      return 'partnerKind.other' as const;
  }
}

/** Asks before removing a partner, and who takes over its sections and what becomes of its people. */
function RemovePartnerDialog({
  proposal,
  partner,
  onClose,
  onRemoved,
  errorText: describe,
}: {
  proposal: Proposal;
  partner: Partner;
  onClose(): void;
  onRemoved(): void;
  errorText(err: unknown): string;
}) {
  const { t } = useI18n();
  const others = proposal.partners.filter((p) => p.id !== partner.id);
  const sections = proposal.sections.filter((s) => s.ownerPartnerId === partner.id);
  const members = proposal.members.filter((m) => m.partnerId === partner.id);
  const [to, setTo] = useState(others.find((p) => p.isLead)?.id ?? others[0]?.id ?? '');
  const [how, setHow] = useState<'move' | 'remove'>('move');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toId = useId();
  const needsTarget = sections.length > 0 || (members.length > 0 && how === 'move');

  async function confirm() {
    setBusy(true);
    setError(null);
    const body: RemovePartnerInput = {
      ...(needsTarget ? { reassignTo: to } : {}),
      ...(members.length > 0 ? { members: how } : {}),
    };
    try {
      await partnersApi.removePartner(partner.id, body);
      onRemoved();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <ConfirmDialog title={t('partnerRemove.title', { name: partner.name })} confirmLabel={t('partnerRemove.confirm')} onConfirm={confirm} onClose={onClose} error={error} busy={busy}>
      {sections.length === 0 && members.length === 0 && <p>{t('partnerRemove.nothing')}</p>}
      {sections.length > 0 && (
        <>
          <p>{t('partnerRemove.sections', { count: sections.length })}</p>
          <ul data-testid="remove-partner-sections">
            {sections.map((s) => (
              <li key={s.id}>
                {s.number} {s.title}
              </li>
            ))}
          </ul>
        </>
      )}
      {needsTarget && (
        <div className="field">
          <label htmlFor={toId}>{t('partnerRemove.takeOver')}</label>
          <select id={toId} value={to} onChange={(e) => setTo(e.target.value)} data-testid="reassign-to">
            {others.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.country})
              </option>
            ))}
          </select>
        </div>
      )}
      {members.length > 0 && (
        <fieldset>
          <legend>{t('partnerRemove.membersLegend')}</legend>
          <label>
            <input type="radio" name="members" value="move" checked={how === 'move'} onChange={() => setHow('move')} /> {t('partnerRemove.membersMove', { count: members.length })}
          </label>
          <label>
            <input type="radio" name="members" value="remove" checked={how === 'remove'} onChange={() => setHow('remove')} />{' '}
            {t('partnerRemove.membersRemove', { count: members.length })}
          </label>
        </fieldset>
      )}
    </ConfirmDialog>
  );
}
