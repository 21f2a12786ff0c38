import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, call } from '../../api';
import { localeSchema, sessionResponseSchema, type Locale, type User } from '../../../shared/schemas';

export type SessionState = { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; user: User };

export interface Session {
  state: SessionState;
  /** The interface language: the user's, or the one chosen before signing in. */
  locale: Locale;
  signedIn(user: User): void;
  signOut(): Promise<void>;
  /** Forget the user locally (the server already ended the session). */
  ended(): void;
  setLocale(locale: Locale): Promise<void>;
}

const LOCALE_KEY = 'twinpad.locale';
const SessionContext = createContext<Session | null>(null);

function initialLocale(): Locale {
  const stored = localeSchema.safeParse(window.localStorage.getItem(LOCALE_KEY));
  if (stored.success) return stored.data;
  const browser = localeSchema.safeParse(window.navigator.language.slice(0, 2));
  return browser.success ? browser.data : 'en';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [anonLocale, setAnonLocale] = useState<Locale>(initialLocale);

  useEffect(() => {
    let live = true;
    // A11Y4: /api/session answers 200 for visitors too, so a signed-out load logs no 401.
    call('GET', '/session', sessionResponseSchema).then(
      ({ user }) => live && setState(user ? { status: 'signed-in', user } : { status: 'anonymous' }),
      () => live && setState({ status: 'anonymous' }),
    );
    return () => {
      live = false;
    };
  }, []);

  const locale = state.status === 'signed-in' ? state.user.locale : anonLocale;

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const signedIn = useCallback((user: User) => {
    window.localStorage.setItem(LOCALE_KEY, user.locale);
    setState({ status: 'signed-in', user });
  }, []);

  const signOut = useCallback(async () => {
    await api.logout().catch(() => undefined);
    setState({ status: 'anonymous' });
  }, []);

  const ended = useCallback(() => setState({ status: 'anonymous' }), []);

  const setLocale = useCallback(
    async (next: Locale) => {
      window.localStorage.setItem(LOCALE_KEY, next);
      setAnonLocale(next);
      if (state.status !== 'signed-in') return;
      const { user } = await api.updateMe({ locale: next });
      setState({ status: 'signed-in', user });
    },
    [state.status],
  );

  const value = useMemo<Session>(() => ({ state, locale, signedIn, signOut, ended, setLocale }), [state, locale, signedIn, signOut, ended, setLocale]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user; only call below a route that requires sign-in. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser without a signed-in user');
  return state.user;
}
