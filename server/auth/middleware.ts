import type { Context, MiddlewareHandler } from 'hono';
import { setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { HttpBindings } from '@hono/node-server';
import type { AppEnv, Auth } from '../app-env';
import type { ServerContext } from '../context';
import { refusal, unauthenticated } from '../errors';
import { clientAddress } from './client-address';
import { readSessionToken, sessionCookieName, validateSessionToken, type Session } from './session';

/**
 * Authentication for HTTP requests: CSRF and Origin checks, session cookies and
 * the client's address. WebSocket upgrades check their Origin and cookie in
 * collab/admission.ts. Nothing here authorizes; permissions live in policy.ts.
 */

/** The session and its user, plus whether the session was just extended (re-send the cookie). */
export type AuthResult = Auth & { renewed: boolean };

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

/** True when `origin` is one the server serves its own pages from. */
export function isAllowedOrigin(ctx: ServerContext, origin: string): boolean {
  const wanted = normalizeOrigin(origin);
  return ctx.allowedOrigins().some((allowed) => normalizeOrigin(allowed) === wanted);
}

/**
 * CSRF protection for requests that can change state (not GET, HEAD or OPTIONS):
 * - any foreign Origin is refused with 403, whatever the body's type;
 * - hono's csrf middleware guards the bodies a foreign page can send without a
 *   preflight (form-urlencoded, multipart, text/plain): such a request must be
 *   `Sec-Fetch-Site: same-origin` or carry one of our origins, else 403.
 * A JSON request, or one with no body, without an Origin passes: browsers send
 * Origin on every such cross-site request, so it does not come from another site's page.
 * Every refusal is `{"error":{"code":"forbidden"}}`.
 */
export function originCheck(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  const formGuard = csrf({ origin: (origin) => isAllowedOrigin(ctx, origin), secFetchSite: 'same-origin' });
  return async function originCheckMiddleware(c, next) {
    if (safeMethods.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined && !isAllowedOrigin(ctx, origin)) throw refusal('forbidden', 'foreign_origin', {});
    // hono's guard treats a missing Content-Type as text/plain; a request without a body has nothing to forge.
    if (c.req.header('content-type') === undefined) return next();
    let passed = false;
    try {
      await formGuard(c, async () => {
        passed = true;
        await next();
      });
    } catch (err) {
      // The guard's own refusal (a bare "Forbidden") becomes ours; errors from the route pass through.
      if (!passed && err instanceof HTTPException && err.status === 403) throw refusal('forbidden', 'foreign_origin', {});
      throw err;
    }
  };
}

async function authenticateToken(ctx: ServerContext, token: string): Promise<AuthResult | null> {
  const result = await validateSessionToken(ctx.db, token, ctx.clock());
  return result ? { user: result.user, session: result.session, renewed: result.renewed } : null;
}

/**
 * Sets `auth` from the session cookie, or leaves it null; re-sends the cookie
 * when the session slid forward, and clears a cookie that no longer works.
 * Never refuses a request: routes call `requireAuth`.
 */
export function sessionMiddleware(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return async function sessionAuthMiddleware(c, next) {
    const token = readSessionToken(c.req.header('cookie'), sessionCookieName(ctx.publicOrigin()));
    const auth = token ? await authenticateToken(ctx, token) : null;
    if (token && auth) {
      c.set('auth', { user: auth.user, session: auth.session });
      if (auth.renewed) setSessionCookie(c, token, auth.session);
    } else if (token) {
      clearSessionCookie(c);
    }
    await next();
  };
}

/** The caller, or 401. */
export function requireAuth(c: Context<AppEnv>): Auth {
  const auth = c.get('auth');
  if (!auth) throw unauthenticated();
  return auth;
}

function cookieSecure(ctx: ServerContext): boolean {
  return ctx.publicOrigin().startsWith('https:');
}

/**
 * Sends the session cookie: HttpOnly, SameSite=Lax, Path=/, no Domain, living as
 * long as the session; under https Secure and named `__Host-twinpad_session`.
 */
export function setSessionCookie(c: Context<AppEnv>, token: string, session: Session): void {
  const ctx = c.get('ctx');
  const maxAge = Math.max(0, Math.round((session.expiresAt.getTime() - ctx.clock().getTime()) / 1000));
  setCookie(c, sessionCookieName(ctx.publicOrigin()), token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    maxAge,
    expires: session.expiresAt,
    secure: cookieSecure(ctx),
  });
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(c: Context<AppEnv>): void {
  const ctx = c.get('ctx');
  setCookie(c, sessionCookieName(ctx.publicOrigin()), '', { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 0, secure: cookieSecure(ctx) });
}

/**
 * The client's IP address: the TCP peer, as @hono/node-server exposes it, or,
 * when that peer is a TRUST_PROXY proxy, the client X-Forwarded-For names
 * (client-address.ts). Null for in-process requests.
 */
export function clientIp(c: Context<AppEnv>): string | null {
  const bindings = c.env as Partial<HttpBindings> | undefined;
  return clientAddress(bindings?.incoming?.socket.remoteAddress, c.req.header('x-forwarded-for'), c.get('ctx').config.trustProxy);
}
