import type { Context, MiddlewareHandler } from 'hono';
import { setCookie } from 'hono/cookie';
import type { HttpBindings } from '@hono/node-server';
import type { AppEnv, Auth } from '../app-env';
import type { ServerContext } from '../context';
import { forbidden, unauthenticated } from '../errors';
import { readSessionToken, SESSION_COOKIE, validateSessionToken, type Session } from './session';

/**
 * Authentication for HTTP requests and WebSocket upgrades: Origin checks and
 * session cookies. Nothing here authorizes; permissions live in policy.ts.
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
 * Refuses, with 403, any request that can change state (not GET, HEAD or
 * OPTIONS) and carries a foreign Origin. Requests without an Origin pass: they
 * do not come from another site's page in a browser, which always sends it on such requests.
 */
export function originCheck(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return async function originCheckMiddleware(c, next) {
    const origin = c.req.header('origin');
    if (!safeMethods.has(c.req.method) && origin !== undefined && !isAllowedOrigin(ctx, origin)) {
      throw forbidden('Cross-origin request refused');
    }
    await next();
  };
}

/**
 * The caller of a request or WebSocket upgrade, from its headers. Throws 403
 * when an Origin is present and foreign (upgrades are GETs, so the HTTP origin
 * check does not cover them); returns null when there is no valid session.
 */
export async function authenticate(ctx: ServerContext, headers: { cookie?: string; origin?: string }): Promise<AuthResult | null> {
  if (headers.origin !== undefined && !isAllowedOrigin(ctx, headers.origin)) throw forbidden('Cross-origin request refused');
  const token = readSessionToken(headers.cookie);
  return token ? authenticateToken(ctx, token) : null;
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
    const token = readSessionToken(c.req.header('cookie'));
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

/** Sends the session cookie: HttpOnly, SameSite=Lax, Path=/, living as long as the session. */
export function setSessionCookie(c: Context<AppEnv>, token: string, session: Session): void {
  const ctx = c.get('ctx');
  const maxAge = Math.max(0, Math.round((session.expiresAt.getTime() - ctx.clock().getTime()) / 1000));
  setCookie(c, SESSION_COOKIE, token, {
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
  setCookie(c, SESSION_COOKIE, '', { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 0, secure: cookieSecure(ctx) });
}

/**
 * The client's IP address: the TCP peer, as @hono/node-server exposes it.
 * X-Forwarded-For is not trusted (there is no trusted-proxy setting). Null for in-process requests.
 */
export function clientIp(c: Context<AppEnv>): string | null {
  const bindings = c.env as Partial<HttpBindings> | undefined;
  const address = bindings?.incoming?.socket.remoteAddress;
  if (!address) return null;
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
