import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from './app-env';
import type { ServerContext } from './context';

/**
 * One log line per HTTP request, at info: method, path (never its query), the
 * route that answered, status, milliseconds, request id and the user's id when
 * known. Runs after hono/request-id, and gives every handler `c.get('log')`,
 * ctx.log with the request id bound. At debug the line also carries the request
 * and response headers; the log's redaction removes cookies, Authorization and
 * Set-Cookie from them (server/logger.ts).
 */

/** Route parameters whose values are secrets (an invitation's token is its key): logged as `:name`. */
const secretParams = ['token'] as const;

/** The request path with every secret parameter's value replaced by its name. */
function loggedPath(path: string, params: Record<string, string>): string {
  let out = path;
  for (const name of secretParams) {
    const value = params[name];
    if (value) out = out.split(`/${encodeURIComponent(value)}`).join(`/:${name}`).split(`/${value}`).join(`/:${name}`);
  }
  return out;
}

export function requestLog(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  const debug = () => ctx.log.isLevelEnabled('debug');
  return async function requestLogMiddleware(c, next) {
    const t0 = performance.now();
    const log = ctx.log.child({ reqId: c.get('requestId') });
    c.set('log', log);
    try {
      await next();
    } finally {
      // After next(), the route index and params are those of the handler that answered.
      const params = c.req.param() as Record<string, string>;
      const line = {
        method: c.req.method,
        path: loggedPath(c.req.path, params),
        route: routePath(c),
        status: c.res.status,
        ms: Math.round((performance.now() - t0) * 10) / 10,
        userId: c.get('auth')?.user.id ?? null,
        ...(debug()
          ? { req: { headers: c.req.header() }, res: { headers: Object.fromEntries(c.res.headers) } }
          : {}),
      };
      log.info(line, 'request');
    }
  };
}
