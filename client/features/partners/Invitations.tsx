import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { errorText } from '../../errors';
import { useI18n } from '../../i18n';
import { ConfirmDialog } from './ConfirmDialog';
import { parseEmailList } from '../../../shared/email-list';
import { limits } from '../../../shared/limits';
import { roleSchema, type Proposal, type Role } from '../../../shared/schemas';
import {
  bulkInvitationCreatedSchema,
  createInvitationSchema,
  invitationCreatedSchema,
  invitationListSchema,
  type BulkInvitationCreated,
  type BulkInvitationInput,
  type CreateInvitationInput,
  type Invitation,
  type InvitationState,
} from '../../../shared/schemas/invitations';
import type { StreamEvent } from '../../../shared/schemas/review';
import { useStreamEvents } from '../events/use-proposal-stream';

const enc = encodeURIComponent;

/** The invitation endpoints (shared/schemas/invitations.ts), parsed with the shared schemas. */
export const invitationsApi = {
  /** One page of the proposal's invitations, newest first; `after` is the previous page's `next`. */
  list: (proposalId: string, after?: string) => call('GET', `/proposals/${enc(proposalId)}/invitations${after ? `?after=${enc(after)}` : ''}`, invitationListSchema),
  create: (proposalId: string, body: CreateInvitationInput) => call('POST', `/proposals/${enc(proposalId)}/invitations`, invitationCreatedSchema, body),
  bulk: (proposalId: string, body: BulkInvitationInput) => call('POST', `/proposals/${enc(proposalId)}/invitations/bulk`, bulkInvitationCreatedSchema, body),
  revoke: (invitationId: string) => call('DELETE', `/invitations/${enc(invitationId)}`, null),
};

type LinkKind = 'single' | 'multi' | 'bulk';
const linkKinds: readonly LinkKind[] = ['single', 'multi', 'bulk'];

type Created = { kind: 'link'; url: string; maxUses: number; expiresAt: string } | { kind: 'bulk'; result: BulkInvitationCreated };

/** A link as the browser opens it (the server names its public origin; a relative URL resolves here). */
const absolute = (url: string) => new URL(url, window.location.origin).toString();

/**
 * Copies `text`; where the clipboard is refused (no secure context, a denied
 * permission) it selects `field`'s text so Ctrl+C copies it, and says false.
 */
async function copyText(text: string, field: HTMLInputElement | HTMLTextAreaElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field?.focus();
    field?.select();
    return false;
  }
}

/** What the copy buttons last did: which one copied, or that copying needs the keyboard. */
type CopyState = { kind: 'idle' } | { kind: 'copied'; key: string } | { kind: 'manual' };

/**
 * The coordinator's "Invite people" panel (TEAM11): a personal link, a link for
 * many people (use limit, expiry), or one personal link per pasted address, each
 * with a Copy button; and the invitations with their state, uses and expiry,
 * revocable after a confirmation.
 */
export function Invitations({ proposal }: { proposal: Proposal }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [partnerId, setPartnerId] = useState(proposal.partners[0]?.id ?? '');
  const [role, setRole] = useState<Role>('editor');
  const [kind, setKind] = useState<LinkKind>('single');
  const [maxUses, setMaxUses] = useState('20');
  const [days, setDays] = useState(String(Math.round(limits.invitationLifetimeMs / 86_400_000)));
  const [text, setText] = useState('');
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [copy, setCopy] = useState<CopyState>({ kind: 'idle' });
  const [refresh, setRefresh] = useState(0);
  const linkField = useRef<HTMLInputElement>(null);
  const bulkFields = useRef(new Map<string, HTMLInputElement>());

  useEffect(() => {
    if (!proposal.partners.some((p) => p.id === partnerId)) setPartnerId(proposal.partners[0]?.id ?? '');
  }, [proposal.partners, partnerId]);

  const parsed = useMemo(() => parseEmailList(text), [text]);
  const tooMany = parsed.addresses.length > limits.bulkInvitationMaxEmails;
  const bulkReady = parsed.addresses.length > 0 && parsed.invalid.length === 0 && !tooMany && text.length <= limits.bulkInvitationMaxChars;

  function numberField(value: string): number {
    return value.trim() === '' ? Number.NaN : Number(value);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setCopy({ kind: 'idle' });
    const expiresInDays = numberField(days);
    setBusy(true);
    try {
      if (kind === 'bulk') {
        if (!bulkReady) return;
        const result = await invitationsApi.bulk(proposal.id, { partnerId, role, text, expiresInDays });
        setCreated({ kind: 'bulk', result });
        setText('');
      } else {
        const body = createInvitationSchema.safeParse({ partnerId, role, expiresInDays, ...(kind === 'multi' ? { maxUses: numberField(maxUses) } : {}) });
        if (!body.success) {
          const field = body.error.issues[0]?.path[0] === 'maxUses' ? t('onboarding.maxUses') : t('onboarding.days');
          setError(t('error.code.invalid_input', { field }));
          return;
        }
        const link = await invitationsApi.create(proposal.id, body.data);
        setCreated({ kind: 'link', url: absolute(link.url), maxUses: link.maxUses, expiresAt: link.expiresAt });
      }
      setRefresh((n) => n + 1);
    } catch (err) {
      setError(errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  }

  async function copyOne(key: string, url: string, field: HTMLInputElement | HTMLTextAreaElement | null) {
    setCopy((await copyText(url, field)) ? { kind: 'copied', key } : { kind: 'manual' });
  }

  const partnerOf = (id: string) => proposal.partners.find((p) => p.id === id);

  return (
    <section className="card partners-grid__wide" aria-labelledby="invite-heading" data-testid="invitations">
      <h2 id="invite-heading">{t('onboarding.title')}</h2>
      <p className="muted">{t('onboarding.hint')}</p>
      <form className="form" onSubmit={(e) => void submit(e)} aria-labelledby="invite-heading" noValidate>
        <div className="form--inline">
          <div className="field">
            <label htmlFor="invite-partner">{t('onboarding.partner')}</label>
            <select id="invite-partner" value={partnerId} onChange={(e) => setPartnerId(e.target.value)}>
              {proposal.partners.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.country})
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="invite-role">{t('onboarding.role')}</label>
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
        </div>
        <fieldset className="field">
          <legend>{t('onboarding.kind')}</legend>
          {linkKinds.map((k) => (
            <label key={k} className="radio">
              <input type="radio" name="invite-kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {t(`onboarding.kind.${k}`)}
            </label>
          ))}
        </fieldset>
        <div className="form--inline">
          {kind === 'multi' && (
            <div className="field">
              <label htmlFor="invite-max-uses">{t('onboarding.maxUses')}</label>
              <input id="invite-max-uses" type="number" inputMode="numeric" min={1} max={limits.invitationMaxUses} value={maxUses} onChange={(e) => setMaxUses(e.target.value)} />
            </div>
          )}
          <div className="field">
            <label htmlFor="invite-days">{t('onboarding.days')}</label>
            <input id="invite-days" type="number" inputMode="numeric" min={1} max={limits.invitationMaxDays} value={days} onChange={(e) => setDays(e.target.value)} />
          </div>
        </div>
        {kind === 'bulk' && <BulkText text={text} onChange={setText} parsed={parsed} tooMany={tooMany} />}
        <button type="submit" className="button button--primary" disabled={busy || (kind === 'bulk' && !bulkReady)}>
          {kind === 'bulk' ? t('onboarding.createBulk', { count: parsed.addresses.length }) : t('onboarding.create')}
        </button>
      </form>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      <p role="status" className="muted" data-testid="invite-copy-status">
        {copy.kind === 'copied' ? t('onboarding.copied') : copy.kind === 'manual' ? t('onboarding.copyManually') : ''}
      </p>
      {created?.kind === 'link' && (
        <div className="field invite-link">
          <label htmlFor="invite-link">{t('onboarding.link')}</label>
          <div className="invite-link__row">
            <input id="invite-link" ref={linkField} data-testid="invite-link" readOnly value={created.url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="button" onClick={() => void copyOne('link', created.url, linkField.current)}>
              {copy.kind === 'copied' && copy.key === 'link' ? t('onboarding.copied') : t('onboarding.copy')}
            </button>
          </div>
          <p className="muted">{t('onboarding.linkFor', { maxUses: created.maxUses, date: i18n.date(created.expiresAt) })}</p>
        </div>
      )}
      {created?.kind === 'bulk' && (
        <BulkLinks
          result={created.result}
          copiedKey={copy.kind === 'copied' ? copy.key : null}
          fields={bulkFields.current}
          onCopy={(key, url, field) => void copyOne(key, url, field)}
        />
      )}
      <InvitationList proposal={proposal} refresh={refresh} partnerName={(id) => partnerOf(id)?.name ?? ''} />
    </section>
  );
}

function BulkText({ text, onChange, parsed, tooMany }: { text: string; onChange(text: string): void; parsed: ReturnType<typeof parseEmailList>; tooMany: boolean }) {
  const { t } = useI18n();
  const invalid = parsed.invalid.map((i) => parsed.entries[i]);
  return (
    <div className="field">
      <label htmlFor="invite-emails">{t('onboarding.emails')}</label>
      <textarea
        id="invite-emails"
        rows={6}
        value={text}
        maxLength={limits.bulkInvitationMaxChars}
        aria-describedby="invite-emails-hint invite-emails-preview"
        aria-invalid={invalid.length > 0 || tooMany}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id="invite-emails-hint" className="muted">
        {t('onboarding.emailsHint')}
      </p>
      <div id="invite-emails-preview" data-testid="invite-emails-preview" aria-live="polite">
        <p>
          {t('onboarding.preview.count', { count: parsed.addresses.length })}
          {parsed.duplicates.length > 0 && <> {t('onboarding.preview.duplicates', { count: parsed.duplicates.length })}</>}
        </p>
        {invalid.length > 0 && (
          <p className="form__error">
            {t('onboarding.preview.invalid', {
              count: invalid.length,
              positions: parsed.invalid.map((i) => i + 1).join(', '),
              entries: invalid.map((e) => `“${e?.raw ?? ''}”`).join(', '),
            })}
          </p>
        )}
        {tooMany && <p className="form__error">{t('onboarding.preview.tooMany', { limit: limits.bulkInvitationMaxEmails })}</p>}
      </div>
    </div>
  );
}

function BulkLinks({
  result,
  copiedKey,
  fields,
  onCopy,
}: {
  result: BulkInvitationCreated;
  copiedKey: string | null;
  fields: Map<string, HTMLInputElement>;
  onCopy(key: string, url: string, field: HTMLInputElement | HTMLTextAreaElement | null): void;
}) {
  const { t } = useI18n();
  const all = useRef<HTMLTextAreaElement>(null);
  const links = result.invitations.map((i) => ({ ...i, url: absolute(i.url) }));
  const asList = links.map((l) => `${l.email}\t${l.url}`).join('\n');
  return (
    <div data-testid="bulk-links">
      <h3>{t('onboarding.bulk.title')}</h3>
      <p>{t('onboarding.bulk.created', { count: links.length })}</p>
      {result.skipped.length > 0 && (
        <ul className="muted" data-testid="bulk-skipped">
          {result.skipped.map((s) => (
            <li key={s.email}>{t(`onboarding.skipped.${s.reason}`, { email: s.email })}</li>
          ))}
        </ul>
      )}
      {links.length > 0 && (
        <>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('onboarding.bulk.email')}</th>
                <th scope="col">{t('onboarding.bulk.link')}</th>
                <th scope="col">{t('onboarding.list.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {links.map((l) => (
                <tr key={l.id} data-email={l.email}>
                  <td>{l.email}</td>
                  <td>
                    <input
                      readOnly
                      value={l.url}
                      aria-label={`${t('onboarding.bulk.link')}: ${l.email}`}
                      data-testid="bulk-link"
                      ref={(el) => {
                        if (el) fields.set(l.id, el);
                        else fields.delete(l.id);
                      }}
                      onFocus={(e) => e.currentTarget.select()}
                    />
                  </td>
                  <td>
                    <button type="button" className="button" aria-label={t('onboarding.copyFor', { email: l.email })} onClick={() => onCopy(l.id, l.url, fields.get(l.id) ?? null)}>
                      {copiedKey === l.id ? t('onboarding.copied') : t('onboarding.copy')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <textarea ref={all} readOnly value={asList} aria-label={t('onboarding.bulk.copyAll')} rows={Math.min(links.length, 4)} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="button" onClick={() => onCopy('all', asList, all.current)}>
            {copiedKey === 'all' ? t('onboarding.copied') : t('onboarding.bulk.copyAll')}
          </button>
        </>
      )}
    </div>
  );
}

const stateOrder: Record<InvitationState, number> = { pending: 0, used_up: 1, expired: 2, revoked: 3 };

function InvitationList({ proposal, refresh, partnerName }: { proposal: Proposal; refresh: number; partnerName(id: string): string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [items, setItems] = useState<Invitation[]>([]);
  /** The cursor of the next page (SEC26: 50 a page, newest first), or null on the last. */
  const [next, setNext] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Invitation | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    invitationsApi.list(proposal.id).then(
      (page) => {
        if (!live) return;
        setItems(page.invitations);
        setNext(page.next);
      },
      (err: unknown) => live && setError(errorText(err, i18n)),
    );
    return () => {
      live = false;
    };
  }, [proposal.id, refresh, reloads, i18n]);

  // Someone joined, or another coordinator invited or revoked: read the list again.
  const onEvent = useCallback((e: StreamEvent) => {
    if (e.type === 'activity' && (e.event.action.startsWith('invitation.') || e.event.action === 'member.joined')) setReloads((n) => n + 1);
  }, []);
  useStreamEvents(proposal.id, onEvent);

  const showMore = () => {
    if (next === null) return;
    invitationsApi.list(proposal.id, next).then(
      (page) => {
        setItems((prev) => [...prev, ...page.invitations.filter((i) => !prev.some((p) => p.id === i.id))]);
        setNext(page.next);
      },
      (err: unknown) => setError(errorText(err, i18n)),
    );
  };

  const who = (i: Invitation) => i.email ?? `${partnerName(i.partnerId)} · ${t(`role.${i.role}`)}`;
  const shown = (showAll ? items : items.filter((i) => i.state === 'pending'))
    .slice()
    .sort((a, b) => stateOrder[a.state] - stateOrder[b.state] || b.createdAt.localeCompare(a.createdAt) || (a.email ?? '').localeCompare(b.email ?? ''));

  async function revoke(i: Invitation) {
    setConfirmError(null);
    try {
      await invitationsApi.revoke(i.id);
      setConfirm(null);
      setDone(t('onboarding.revoked', { who: who(i) }));
      setReloads((n) => n + 1);
    } catch (err) {
      setConfirmError(errorText(err, i18n));
    }
  }

  return (
    <div data-testid="invitation-list">
      <h3>{t('onboarding.list.title')}</h3>
      <label className="checkbox">
        <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> {t('onboarding.list.showAll')}
      </label>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      <p role="status" className="muted">
        {done ?? ''}
      </p>
      {shown.length === 0 ? (
        <p className="muted">{t('onboarding.list.empty')}</p>
      ) : (
        <table className="table" data-testid="invitations-table">
          <thead>
            <tr>
              <th scope="col">{t('onboarding.list.for')}</th>
              <th scope="col">{t('onboarding.list.partnerRole')}</th>
              <th scope="col">{t('onboarding.list.uses')}</th>
              <th scope="col">{t('onboarding.list.expires')}</th>
              <th scope="col">{t('onboarding.list.state')}</th>
              <th scope="col">{t('onboarding.list.createdBy')}</th>
              <th scope="col">{t('onboarding.list.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((i) => (
              <tr key={i.id} data-invitation-id={i.id} data-email={i.email ?? undefined} data-state={i.state}>
                <td>{i.email ?? t('onboarding.list.anyone')}</td>
                <td>
                  {partnerName(i.partnerId)} · {t(`role.${i.role}`)}
                </td>
                <td>{t('onboarding.list.usesValue', { uses: i.uses, maxUses: i.maxUses })}</td>
                <td>{i18n.date(i.expiresAt)}</td>
                <td>{t(`onboarding.state.${i.state}`)}</td>
                <td>{i.createdByName ?? ''}</td>
                <td>
                  {i.state === 'pending' && (
                    <button type="button" className="button" aria-label={t('onboarding.revokeFor', { who: who(i) })} onClick={() => setConfirm(i)}>
                      {t('onboarding.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null && (
        <button type="button" className="link-button" onClick={showMore} data-testid="invitations-show-more">
          {t('onboarding.showMore')}
        </button>
      )}
      {confirm && (
        <ConfirmDialog
          title={t('onboarding.revokeConfirm', { who: who(confirm) })}
          confirmLabel={t('onboarding.revokeYes')}
          cancelLabel={t('onboarding.revokeNo')}
          error={confirmError}
          onConfirm={() => revoke(confirm)}
          onClose={() => {
            setConfirm(null);
            setConfirmError(null);
          }}
        />
      )}
    </div>
  );
}
