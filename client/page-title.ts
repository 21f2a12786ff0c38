import { useEffect, useRef, useState } from 'react';
import { api } from './api';
import { useI18n } from './i18n';
import { matchPath } from './router';
import type { MessageKey } from '../shared/i18n';

/** What the title says about a path: the page's name, and the proposal (and section) it is about. */
interface TitleParts {
  page: MessageKey;
  proposalId: string | null;
  sectionId: string | null;
}

const proposalPages: ReadonlyArray<{ pattern: string; page: MessageKey }> = [
  { pattern: '/proposals/:id/partners', page: 'pageTitle.partners' },
  { pattern: '/proposals/:id/board', page: 'pageTitle.board' },
  { pattern: '/proposals/:id/history', page: 'pageTitle.history' },
  { pattern: '/proposals/:id/history/:snapshotId', page: 'pageTitle.snapshot' },
  { pattern: '/proposals/:id/changes/:since', page: 'pageTitle.changes' },
  { pattern: '/proposals/:id/changes/:since/:until', page: 'pageTitle.changes' },
  { pattern: '/proposals/:id/sections/:sectionId/changes/:since', page: 'pageTitle.changes' },
  { pattern: '/proposals/:id/sections/:sectionId/changes', page: 'pageTitle.changes' },
  { pattern: '/proposals/:id/present', page: 'pageTitle.present' },
  { pattern: '/proposals/:id/sections/:sectionId', page: 'pageTitle.workspace' },
  { pattern: '/proposals/:id', page: 'pageTitle.workspace' },
];

/** The routes of App.tsx, as title parts (signed in or not). */
export function titleParts(path: string, signedIn: boolean): TitleParts {
  const none = { proposalId: null, sectionId: null };
  if (matchPath('/invite/:token', path)) return { page: 'pageTitle.invite', ...none };
  if (!signedIn) return { page: path === '/signup' ? 'pageTitle.signUp' : 'pageTitle.signIn', ...none };
  if (path === '/' || path === '/proposals' || path === '/login' || path === '/signup') return { page: 'pageTitle.proposals', ...none };
  for (const { pattern, page } of proposalPages) {
    const m = matchPath(pattern, path);
    if (m?.id) return { page, proposalId: m.id, sectionId: m.sectionId ?? null };
  }
  return { page: 'pageTitle.notFound', ...none };
}

interface Names {
  title: string;
  sections: ReadonlyMap<string, string>;
}

/**
 * A11Y3: keeps document.title as "{page} · {proposal} · Twinpad" (a workspace with a
 * section open: "{number} {section} · {proposal} · Twinpad"), in the interface language.
 * A proposal's names are read once per proposal the visitor opens.
 */
export function usePageTitle(path: string, signedIn: boolean): void {
  const { t } = useI18n();
  const parts = titleParts(path, signedIn);
  const cache = useRef(new Map<string, Names>());
  const [names, setNames] = useState<Names | null>(null);

  useEffect(() => {
    const id = parts.proposalId;
    if (!id) return setNames(null);
    const known = cache.current.get(id);
    if (known) return setNames(known);
    setNames(null);
    let live = true;
    api.proposal(id).then(
      ({ proposal }) => {
        const got: Names = { title: proposal.title, sections: new Map(proposal.sections.map((s) => [s.id, `${s.number} ${s.title}`])) };
        cache.current.set(id, got);
        if (live) setNames(got);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [parts.proposalId]);

  const section = parts.sectionId && parts.page === 'pageTitle.workspace' ? names?.sections.get(parts.sectionId) : undefined;
  const title = [section ?? t(parts.page), names?.title, t('app.name')].filter(Boolean).join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
