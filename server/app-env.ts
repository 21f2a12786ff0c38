import type { SessionUser, Session } from './auth/session';
import type { ServerContext } from './context';
import type { ServerLog } from './logger';

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
    /** This request's id (X-Request-Id), set by hono/request-id. */
    requestId: string;
    /** ctx.log with this request's id bound. */
    log: ServerLog;
  };
};
