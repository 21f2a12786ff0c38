import type { SessionUser, Session } from './auth/session';
import type { ServerContext } from './context';

/** The authenticated caller of a request, set by the session middleware. */
export interface Auth {
  user: SessionUser;
  session: Session;
}

/** Hono environment shared by every router. */
export type AppEnv = {
  Variables: {
    ctx: ServerContext;
    auth: Auth | null;
  };
};
