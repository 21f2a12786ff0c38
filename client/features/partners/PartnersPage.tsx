import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { partnerInputSchema, roleSchema, type Invitation, type Proposal, type Role } from '../../../shared/schemas';
import { errorText } from '../../errors';
import { Field } from '../forms/Field';
import { useSchemaForm } from '../forms/use-schema-form';
import { useProposal } from '../workspace/use-proposal';
import { Flag } from './Flag';
import { Assignments } from './Assignments';

export default function PartnersPage({ proposalId }: { proposalId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { state, reload } = useProposal(proposalId);
  if (state.status === 'loading') return <p className="page">{t('common.loading')}</p>;
  if (state.status === 'error') {
    return (
      <main id="main" className="page">
        <h1>{errorText(state.error, i18n)}</h1>
        <Link href="/proposals">{t('common.goHome')}</Link>
      </main>
    );
  }
  const p = state.proposal;
  const manage = p.abilities.manage;
  return (
    <main id="main" className="page partners-page">
      <p>
        <Link href={`/proposals/${encodeURIComponent(p.id)}`}>← {t('partners.backToWorkspace')}</Link>
      </p>
      <h1>
        {t('partners.title')}: {p.title}
      </h1>
      {!manage && <p className="banner banner--lock">{t('partners.coordinatorOnly')}</p>}
      <div className="partners-grid">
        <PartnerList proposal={p} manage={manage} onChanged={reload} />
        <Members proposal={p} manage={manage} onChanged={reload} />
        {manage && <Invitations proposal={p} />}
        <Assignments proposal={p} manage={manage} onChanged={reload} />
      </div>
    </main>
  );
}

function PartnerList({ proposal, manage, onChanged }: { proposal: Proposal; manage: boolean; onChanged(): void }) {
  const { t } = useI18n();
  const { errors, formError, submit: add } = useSchemaForm(partnerInputSchema, {
    read: (data) => {
      const s = (k: string) => String(data.get(k) ?? '');
      return { name: s('name'), town: s('town'), country: s('country'), kind: s('kind') };
    },
    async send(value, form) {
      await api.addPartner(proposal.id, value);
      form.reset();
      onChanged();
    },
    overrides: { country: t('field.invalidCountry') },
  });

  return (
    <section className="card" aria-labelledby="partners-heading">
      <h2 id="partners-heading">{t('partners.list')}</h2>
      <ul className="partner-list" data-testid="partner-list">
        {proposal.partners.map((p) => (
          <li key={p.id}>
            <Flag country={p.country} /> <strong>{p.name}</strong>, {p.town}
            {p.isLead && <span className="chip chip--lead">{t('partners.lead')}</span>}
          </li>
        ))}
      </ul>
      {manage && (
        <form className="form form--inline" onSubmit={add} noValidate aria-label={t('partners.add')}>
          <Field name="name" label={t('proposals.partnerName')} error={errors.name} required />
          <Field name="town" label={t('proposals.town')} error={errors.town} required />
          <Field name="country" label={t('proposals.country')} error={errors.country} maxLength={2} required />
          <div className="field">
            <label htmlFor="partner-kind">{t('partners.kind')}</label>
            <select id="partner-kind" name="kind" defaultValue="municipality">
              <option value="municipality">{t('partners.kind.municipality')}</option>
              <option value="ngo">{t('partners.kind.ngo')}</option>
              <option value="other">{t('partners.kind.other')}</option>
            </select>
          </div>
          {formError && (
            <p className="form__error" role="alert">
              {formError}
            </p>
          )}
          <button type="submit" className="button button--primary">
            {t('partners.add')}
          </button>
        </form>
      )}
    </section>
  );
}

function Members({ proposal, manage, onChanged }: { proposal: Proposal; manage: boolean; onChanged(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [error, setError] = useState<string | null>(null);
  const partners = new Map(proposal.partners.map((p) => [p.id, p]));

  async function change(userId: string, body: { role?: Role; partnerId?: string }) {
    setError(null);
    try {
      await api.updateMember(proposal.id, userId, body);
      onChanged();
    } catch (err) {
      setError(errorText(err, i18n));
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
          </tr>
        </thead>
        <tbody>
          {proposal.members.map((m) => {
            const partner = partners.get(m.partnerId);
            return (
              <tr key={m.userId} data-email={m.email}>
                <td>
                  {m.name}
                  <br />
                  <small className="muted">{m.email}</small>
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
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Invitations({ proposal }: { proposal: Proposal }) {
  const i18n = useI18n();
  const { t, date } = i18n;
  const [partnerId, setPartnerId] = useState(proposal.partners[0]?.id ?? '');
  const [role, setRole] = useState<Role>('editor');
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [list, setList] = useState<Invitation[]>([]);
  /** The cursor of the next page of invitations (SEC26: 50 a page, newest first), or null on the last. */
  const [next, setNext] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.invitations(proposal.id).then(
      (r) => {
        if (!live) return;
        setList(r.invitations.filter((i) => i.state === 'pending'));
        setNext(r.next);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [proposal.id, link]);

  const showMore = () => {
    if (next === null) return;
    api.invitations(proposal.id, next).then(
      (r) => {
        const pending = r.invitations.filter((i) => i.state === 'pending');
        setList((prev) => [...prev, ...pending.filter((i) => !prev.some((p) => p.id === i.id))]);
        setNext(r.next);
      },
      (err: unknown) => setError(errorText(err, i18n)),
    );
  };

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setCopied(false);
    try {
      const created = await api.createInvitation(proposal.id, { partnerId, role });
      setLink(new URL(created.url, window.location.origin).toString());
    } catch (err) {
      setError(errorText(err, i18n));
    }
  }

  async function copy() {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      /* clipboard blocked: the link stays selectable in the field */
    }
  }

  const partners = new Map(proposal.partners.map((p) => [p.id, p]));
  return (
    <section className="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{t('partners.invite')}</h2>
      <p className="muted">{t('partners.inviteHint')}</p>
      <form className="form form--inline" onSubmit={create}>
        <div className="field">
          <label htmlFor="invite-partner">{t('partners.invitePartner')}</label>
          <select id="invite-partner" value={partnerId} onChange={(e) => setPartnerId(e.target.value)}>
            {proposal.partners.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.country})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="invite-role">{t('partners.inviteRole')}</label>
          <select
            id="invite-role"
            value={role}
            onChange={(e) => {
              const r = roleSchema.safeParse(e.target.value);
              if (r.success) setRole(r.data);
            }}
          >
            {roleSchema.options.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--primary">
          {t('partners.createInvite')}
        </button>
      </form>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      {link && (
        <div className="field invite-link">
          <label htmlFor="invite-link">{t('partners.inviteLink')}</label>
          <div className="invite-link__row">
            <input id="invite-link" data-testid="invite-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="button" onClick={() => void copy()}>
              {copied ? t('partners.copied') : t('partners.copy')}
            </button>
          </div>
        </div>
      )}
      {list.length > 0 && (
        <ul className="muted invite-list">
          {list.map((i) => (
            <li key={i.id}>
              {partners.get(i.partnerId)?.name} ({partners.get(i.partnerId)?.country}) · {t(`role.${i.role}`)} · {date(i.expiresAt)}
            </li>
          ))}
        </ul>
      )}
      {next !== null && (
        <button type="button" className="link-button" onClick={showMore} data-testid="invitations-show-more">
          {t('partners.showMoreInvitations')}
        </button>
      )}
    </section>
  );
}
