import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { errorText } from '../../errors';
import { useProposal } from '../workspace/use-proposal';
import { Assignments } from './Assignments';
import { MemberList } from './MemberList';
import { PartnerList } from './PartnerList';
import { Invitations } from './Invitations';

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
        <MemberList proposal={p} manage={manage} onChanged={reload} />
        {manage && <Invitations proposal={p} />}
        <Assignments proposal={p} manage={manage} onChanged={reload} />
      </div>
    </main>
  );
}
