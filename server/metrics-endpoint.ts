import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './app-env';
import type { Config } from './config';
import type { Metrics } from './metrics';

/**
 * `GET /metrics` in Prometheus text format, from the server's own registry.
 * Where it answers is config's choice:
 * - METRICS_PORT set: on a second, internal listener (METRICS_HOST, default
 *   127.0.0.1) and nowhere else; METRICS_TOKEN, when also set, is required there too;
 * - only METRICS_TOKEN set: on the public port, for `Authorization: Bearer <token>`;
 * - neither: nowhere (the public route is 404 like any unknown path).
 */

/** The public port serves /metrics only with a token and no internal port. */
export function publicMetricsEnabled(config: Config): boolean {
  return config.metricsToken !== undefined && config.metricsPort === undefined;
}

/** 401 with a code, never a sentence; compared in constant time by hono's bearer-auth. */
function metricsAuth(token: string): MiddlewareHandler {
  const refusal = { error: { code: 'unauthenticated', params: {} } };
  return bearerAuth({
    token,
    noAuthenticationHeader: { message: refusal },
    invalidAuthenticationHeader: { message: refusal },
    invalidToken: { message: refusal },
  });
}

async function scrape(c: Context, metrics: Metrics): Promise<Response> {
  const body = await metrics.registry.metrics();
  return c.body(body, 200, { 'content-type': metrics.registry.contentType });
}

/** Mounts /metrics on the public app when config asks for it there. */
export function mountPublicMetrics(app: Hono<AppEnv>, config: Config, metrics: Metrics): void {
  if (publicMetricsEnabled(config) && config.metricsToken !== undefined) {
    app.get('/metrics', metricsAuth(config.metricsToken), (c) => scrape(c, metrics));
  } else {
    // Not the client's index.html either: a scraper pointed here learns that nothing is served.
    app.all('/metrics', (c) => c.json({ error: { code: 'not_found', params: {} } }, 404));
  }
}

export interface MetricsListener {
  readonly port: number;
  close(): Promise<void>;
}

/** The internal listener on METRICS_HOST:METRICS_PORT, or null when METRICS_PORT is unset. */
export async function startMetricsListener(config: Config, metrics: Metrics): Promise<MetricsListener | null> {
  if (config.metricsPort === undefined) return null;
  const app = new Hono();
  if (config.metricsToken !== undefined) app.use('/metrics', metricsAuth(config.metricsToken));
  app.get('/metrics', (c) => scrape(c, metrics));
  app.all('*', (c) => c.json({ error: { code: 'not_found', params: {} } }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    return c.json({ error: { code: 'internal', params: {} } }, 500);
  });
  const server: Server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.metricsPort, config.metricsHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
