import { randomInt } from 'node:crypto';
import { Hono, type Context } from 'hono';
import {
  changePasswordRequestSchema,
  loginRequestSchema,
  signupRequestSchema,
  updateMeRequestSchema,
  userColors,
  type SessionResponse,
  type User,
  type UserResponse,
} from '../../shared/schemas/auth';
import type { AppEnv } from '../app-env';
import { clearSessionCookie, clientIp, requireAuth, setSessionCookie } from '../auth/middleware';
import { hashPassword, verifyCredentials, verifyPassword } from '../auth/password';
import { createSession, invalidateSession, invalidateUserSessions } from '../auth/session';
import { loginFailed, loginSucceeded, reserveLoginAttempt, reserveSignup } from '../auth/throttle';
import { findPasswordHash, insertUser, updatePasswordHash, updateUserProfile, type UserRecord } from '../db/users';
import { AppError, conflict, refusal, unauthenticated } from '../errors';
import { jsonBody } from './validate';

/** Allowlist of what the API shows of a user: never the password hash. */
function presentUser(user: UserRecord): User {
  return { id: user.id, email: user.email, name: user.name, locale: user.locale, color: user.color };
}

/** One message for unknown emails and wrong passwords alike, so neither reveals which emails exist. */
const badCredentials = () => new AppError('unauthenticated', 'bad_credentials');

/** Starts a fresh session (a new token every time) and ends the one the request came with, if any. */
async function startSession(c: Context<AppEnv>, userId: string): Promise<void> {
  const ctx = c.get('ctx');
  const previous = c.get('auth');
  if (previous) await invalidateSession(ctx.db, previous.session.id);
  const { token, session } = await createSession(ctx.db, userId, ctx.clock());
  setSessionCookie(c, token, session);
}

export function authRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/auth/signup', async (c) => {
    const ctx = c.get('ctx');
    const body = await jsonBody(c, signupRequestSchema);
    // Throttled per client address before the (128 MiB) hash, a taken address included.
    await reserveSignup(ctx.db, clientIp(c), ctx.clock());
    const user = await insertUser(ctx.db, {
      email: body.email,
      name: body.name,
      passwordHash: await hashPassword(body.password, ctx.metrics.passwordHashes),
      locale: body.locale ?? 'en',
      color: userColors[randomInt(userColors.length)] ?? userColors[0],
    });
    if (!user) throw conflict('email_taken');
    await startSession(c, user.id);
    return c.json<UserResponse>({ user: presentUser(user) }, 201);
  });

  app.post('/auth/login', async (c) => {
    const ctx = c.get('ctx');
    const { email, password } = await jsonBody(c, loginRequestSchema);
    // The attempt is reserved (counted) before the hash: concurrent guesses cannot slip past the throttle.
    const reservation = await reserveLoginAttempt(ctx.db, { account: email, ip: clientIp(c) }, ctx.clock());
    const user = await verifyCredentials(ctx.db, email, password, ctx.metrics.passwordHashes);
    if (!user) {
      await loginFailed(ctx.db, reservation, ctx.clock());
      throw badCredentials();
    }
    await loginSucceeded(ctx.db, reservation);
    await startSession(c, user.id);
    return c.json<UserResponse>({ user: presentUser(user) }, 200);
  });

  app.post('/auth/logout', async (c) => {
    const ctx = c.get('ctx');
    const auth = c.get('auth');
    if (auth) {
      await invalidateSession(ctx.db, auth.session.id);
      ctx.events.publish({ type: 'session.ended', userId: auth.user.id, sessionId: auth.session.id });
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  app.get('/me', (c) => {
    const { user } = requireAuth(c);
    return c.json<UserResponse>({ user: presentUser(user) });
  });

  // A11Y4: the client's start-up probe. A signed-out visitor is an answer, not an error,
  // so the browser logs no failed request; /me keeps its 401 for API clients.
  app.get('/session', (c) => {
    const auth = c.get('auth');
    return c.json<SessionResponse>({ user: auth ? presentUser(auth.user) : null });
  });

  app.patch('/me', async (c) => {
    const ctx = c.get('ctx');
    const { user } = requireAuth(c);
    const patch = await jsonBody(c, updateMeRequestSchema);
    const updated = await updateUserProfile(ctx.db, user.id, patch);
    if (!updated) throw unauthenticated();
    return c.json<UserResponse>({ user: presentUser(updated) });
  });

  app.post('/me/password', async (c) => {
    const ctx = c.get('ctx');
    const { user, session } = requireAuth(c);
    const { currentPassword, newPassword } = await jsonBody(c, changePasswordRequestSchema);
    // Guessing the current password through a stolen session is throttled like a login.
    const reservation = await reserveLoginAttempt(ctx.db, { account: user.email, ip: clientIp(c) }, ctx.clock());
    const stored = await findPasswordHash(ctx.db, user.id);
    if (stored === null) throw unauthenticated();
    if (!(await verifyPassword(currentPassword, stored, ctx.metrics.passwordHashes))) {
      await loginFailed(ctx.db, reservation, ctx.clock());
      throw refusal('invalid_input', 'wrong_password', {}, {}, 'currentPassword');
    }
    await loginSucceeded(ctx.db, reservation);
    await updatePasswordHash(ctx.db, user.id, await hashPassword(newPassword, ctx.metrics.passwordHashes));
    await invalidateUserSessions(ctx.db, user.id, session.id);
    ctx.events.publish({ type: 'sessions.ended', userId: user.id, keepSessionId: session.id });
    return c.json<UserResponse>({ user: presentUser(user) });
  });

  return app;
}
