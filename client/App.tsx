import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { I18nProvider, useI18n } from './i18n';
import { Link, matchPath, navigate, usePathname } from './router';
import type { CollabRegistry } from './collab/registry';
import { RegistryContext } from './collab/context';
import { SessionProvider, useSession } from './features/auth/session';
import { LoginPage, SignupPage } from './features/auth/AuthPages';
import { InvitePage } from './features/auth/InvitePage';
import { ProposalsPage } from './features/proposals/ProposalsPage';
import { LanguagePicker } from './features/auth/LanguagePicker';
import { usePageTitle } from './page-title';

// The editor (Tiptap, Yjs) and the partners page load only when their route opens.
const WorkspacePage = lazy(() => import('./features/workspace/WorkspacePage'));
const PartnersPage = lazy(() => import('./features/partners/PartnersPage'));
const BoardPage = lazy(() => import('./features/board/BoardPage'));
const HistoryPage = lazy(() => import('./features/history/HistoryPage'));
const SnapshotPage = lazy(() => import('./features/history/SnapshotPage'));
const ChangesPage = lazy(() => import('./features/history/ChangesPage'));
const LatestChanges = lazy(() => import('./features/history/LatestChanges'));
const PresentPage = lazy(() => import('./features/present/PresentPage'));

export function App({ registry }: { registry: CollabRegistry }) {
  return (
    <RegistryContext.Provider value={registry}>
      <SessionProvider>
        <Localised registry={registry} />
      </SessionProvider>
    </RegistryContext.Provider>
  );
}

function Localised({ registry }: { registry: CollabRegistry }) {
  const session = useSession();
  useEffect(() => {
    registry.onSessionEnded = () => {
      registry.clear();
      session.ended();
      navigate(`/login?next=${encodeURIComponent(window.location.pathname)}`, { replace: true });
    };
  }, [registry, session]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (registry.unsyncedTotal() === 0) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [registry]);

  return (
    <I18nProvider locale={session.locale}>
      <Shell>
        <Routes />
      </Shell>
    </I18nProvider>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const session = useSession();
  const path = usePathname();
  usePageTitle(path, session.state.status === 'signed-in');
  // A11Y6: the projector shows the proposal alone, without the app's header.
  if (matchPath('/proposals/:id/present', path)) return <>{children}</>;
  return (
    <>
      <a href="#main" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <Link href="/proposals" className="app-header__brand">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.proposals')} className="app-header__nav">
          {session.state.status === 'signed-in' && <Link href="/proposals">{t('nav.proposals')}</Link>}
        </nav>
        <div className="app-header__tools">
          <LanguagePicker />
          {session.state.status === 'signed-in' && (
            <>
              <span className="muted" data-testid="signed-in-as">
                {t('nav.signedInAs', { name: session.state.user.name })}
              </span>
              <button
                type="button"
                className="button button--small"
                onClick={() => void session.signOut().then(() => navigate('/login'))}
              >
                {t('nav.signOut')}
              </button>
            </>
          )}
        </div>
      </header>
      {children}
    </>
  );
}

function Routes() {
  const path = usePathname();
  const { state } = useSession();
  const { t } = useI18n();

  if (state.status === 'loading') return <p className="page">{t('common.loading')}</p>;

  const invite = matchPath('/invite/:token', path);
  if (invite?.token) return <InvitePage token={invite.token} />;

  if (state.status === 'anonymous') {
    if (path === '/signup') return <SignupPage />;
    if (path !== '/login') return <Redirect to={`/login?next=${encodeURIComponent(path)}`} />;
    return <LoginPage />;
  }

  if (path === '/' || path === '/login' || path === '/signup') return <Redirect to="/proposals" />;
  if (path === '/proposals') return <ProposalsPage />;

  const partners = matchPath('/proposals/:id/partners', path);
  if (partners?.id) return <Lazy><PartnersPage proposalId={partners.id} /></Lazy>;
  const board = matchPath('/proposals/:id/board', path);
  if (board?.id) return <Lazy><BoardPage proposalId={board.id} /></Lazy>;
  const history = matchPath('/proposals/:id/history', path);
  if (history?.id) return <Lazy><HistoryPage proposalId={history.id} /></Lazy>;
  const snapshot = matchPath('/proposals/:id/history/:snapshotId', path);
  if (snapshot?.id && snapshot.snapshotId) return <Lazy><SnapshotPage proposalId={snapshot.id} snapshotId={snapshot.snapshotId} /></Lazy>;
  const changes = matchPath('/proposals/:id/changes/:since', path) ?? matchPath('/proposals/:id/changes/:since/:until', path);
  if (changes?.id && changes.since) return <Lazy><ChangesPage proposalId={changes.id} since={changes.since} until={changes.until ?? null} sectionId={null} /></Lazy>;
  const sectionChanges = matchPath('/proposals/:id/sections/:sectionId/changes/:since', path);
  if (sectionChanges?.id && sectionChanges.since) return <Lazy><ChangesPage proposalId={sectionChanges.id} since={sectionChanges.since} until={null} sectionId={sectionChanges.sectionId ?? null} /></Lazy>;
  const latestChanges = matchPath('/proposals/:id/sections/:sectionId/changes', path);
  if (latestChanges?.id && latestChanges.sectionId) return <Lazy><LatestChanges proposalId={latestChanges.id} sectionId={latestChanges.sectionId} /></Lazy>;
  const present = matchPath('/proposals/:id/present', path);
  if (present?.id) return <Lazy><PresentPage proposalId={present.id} /></Lazy>;
  const section = matchPath('/proposals/:id/sections/:sectionId', path);
  if (section?.id) return <Lazy><WorkspacePage proposalId={section.id} sectionId={section.sectionId ?? null} /></Lazy>;
  const proposal = matchPath('/proposals/:id', path);
  if (proposal?.id) return <Lazy><WorkspacePage proposalId={proposal.id} sectionId={null} /></Lazy>;

  return (
    <main id="main" className="page">
      <h1>{t('common.notFound')}</h1>
      <Link href="/proposals">{t('common.goHome')}</Link>
    </main>
  );
}

function Lazy({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return <Suspense fallback={<p className="page">{t('common.loading')}</p>}>{children}</Suspense>;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
