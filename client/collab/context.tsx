import { createContext, useContext } from 'react';
import { useSession } from '../features/auth/session';
import type { CollabClient } from './provider';
import type { CollabRegistry } from './registry';

export const RegistryContext = createContext<CollabRegistry | null>(null);

/** The signed-in user's CollabClient. */
export function useCollab(): CollabClient {
  const registry = useContext(RegistryContext);
  const { state } = useSession();
  if (!registry || state.status !== 'signed-in') throw new Error('useCollab needs a signed-in user');
  return registry.forUser(state.user);
}
