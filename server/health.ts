import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { AppEnv } from './app-env';
import type { FanoutStatus } from './collab/fanout';
import type { ServerContext } from './context';

/** What an operator may learn about an instance: its storage backend and its fan-out. */
export interface HealthDetail {
  ok: true;
  backend: 'postgres' | 'pglite';
  redis: FanoutStatus;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
function bearsToken(c: Context, token: string): boolean {
  const header = c.req.header('authorization');
  const m = header === undefined ? null : /^Bearer (.+)$/.exec(header);
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

/**
 * `GET /healthz`: 200 once the database answers. The public answer is `{ok: true}`, all a
 * load balancer needs (a degraded Redis still serves its own sockets); the detail that
 * names the backend and the fan-out state is for `Authorization: Bearer <METRICS_TOKEN>`.
 */
export function mountHealth(app: Hono<AppEnv>, ctx: ServerContext, fanoutStatus: () => FanoutStatus): void {
  app.get('/healthz', async (c) => {
    await ctx.db.query('select 1');
    const token = ctx.config.metricsToken;
    if (token !== undefined && bearsToken(c, token)) {
      const detail: HealthDetail = { ok: true, backend: ctx.db.backend, redis: fanoutStatus() };
      return c.json(detail);
    }
    return c.json({ ok: true });
  });
}
