import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppEnv } from './app-env';
import type { ServerContext } from './context';
import { AppError, errorKinds } from './errors';
import type { ErrorCode } from '../shared/error-codes';
import type { FanoutStatus } from './collab/fanout';
import { originCheck, sessionMiddleware } from './auth/middleware';
import { authRoutes } from './api/auth';
import { proposalRoutes } from './api/proposals';
import { partnerRoutes } from './api/partners';
import { memberRoutes } from './api/members';
import { invitationRoutes } from './api/invitations';
import { sectionRoutes } from './api/sections';
import { commentRoutes } from './api/comments';
import { eventRoutes } from './api/events';
import { boardRoutes } from './api/board';
import { snapshotRoutes } from './api/snapshots';
import { exportRoutes } from './api/export';
import { historyRoutes } from './api/history';
import { meetingRoutes } from './api/meetings';
import { verdictRoutes } from './api/verdicts';
import { mountHealth } from './health';
import { mountPublicMetrics } from './metrics-endpoint';
import { requestLog } from './request-log';
import { securityHeaders } from './security-headers';

/** Largest JSON body the API reads; bigger bodies get 413 before parsing. */
const MAX_BODY_BYTES = 256 * 1024;

export interface AppOptions {
  /** Fan-out health for /healthz's detail: `degraded` while Redis is down (the instance still serves its own sockets). */
  fanoutStatus?: () => FanoutStatus;
}

export function createApp(ctx: ServerContext, opts: AppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use('*', securityHeaders(ctx.config));
  app.use('*', requestId());
  app.use('*', async (c, next) => {
    c.set('ctx', ctx);
    c.set('auth', null);
    await next();
  });
  app.use('*', requestLog(ctx));

  mountHealth(app, ctx, opts.fanoutStatus ?? (() => 'off'));
  mountPublicMetrics(app, ctx.config, ctx.metrics);

  app.use('/api/*', originCheck(ctx));
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(errorBody('payload_too_large', { limit: MAX_BODY_BYTES }), 413),
    }),
  );
  app.use('/api/*', sessionMiddleware(ctx));

  app.route('/api', authRoutes());
  app.route('/api', proposalRoutes());
  app.route('/api', partnerRoutes());
  app.route('/api', memberRoutes());
  app.route('/api', invitationRoutes());
  app.route('/api', sectionRoutes());
  app.route('/api', commentRoutes());
  app.route('/api', eventRoutes());
  app.route('/api', boardRoutes());
  app.route('/api', snapshotRoutes());
  app.route('/api', exportRoutes());
  app.route('/api', historyRoutes());
  app.route('/api', meetingRoutes());
  app.route('/api', verdictRoutes());
  app.all('/api/*', (c) => c.json(errorBody('not_found', { what: 'endpoint' }), 404));

  mountClient(app, ctx.config.staticDir);

  app.onError((err, c) => {
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(errorBody(err.code, err.params, err.field), err.status);
    }
    if (err instanceof HTTPException) {
      // A middleware that built its own refusal (hono's bearer-auth: a code and WWW-Authenticate) keeps it.
      if (err.res) return err.getResponse();
      return c.json(errorBody(codeForStatus(err.status), {}), err.status);
    }
    // The request's own line (status 500, with its id) follows from request-log.
    (c.get('log') ?? ctx.log).error({ err }, 'unhandled error');
    return c.json(errorBody('internal', {}), 500);
  });

  return app;
}

/** The one shape of a refusal (I18N6): a listed code, its parameters, and the offending field; never a sentence. */
function errorBody(code: ErrorCode, params: Readonly<Record<string, string | number | readonly string[]>>, field?: string) {
  return { error: { code, params, ...(field === undefined ? {} : { field }) } };
}

/** The code of an HTTP status a middleware refused with (its own message is not sent). */
function codeForStatus(status: number): ErrorCode {
  if (status === 415) return 'unsupported_media_type';
  const kind = (Object.keys(errorKinds) as (keyof typeof errorKinds)[]).find((k) => errorKinds[k].status === status);
  return kind ?? (status >= 500 ? 'internal' : 'invalid_input');
}

/** Serves the built client, with index.html for every client route so deep links survive a reload. */
function mountClient(app: Hono<AppEnv>, staticDir: string): void {
  const indexPath = join(staticDir, 'index.html');
  app.use('/assets/*', serveStatic({ root: staticDir }));
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/collab/')) return next();
    const file = serveStatic({ root: staticDir });
    if (c.req.path !== '/' && /\.[a-z0-9]+$/i.test(c.req.path)) return file(c, next);
    if (!existsSync(indexPath)) return c.text('Client not built: run `npm run build`.', 503);
    return c.html(readFileSync(indexPath, 'utf8'));
  });
}
