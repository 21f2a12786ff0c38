import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createProposal, signUp, type UserClient } from '../helpers/factories';

/**
 * SEC24 and SEC25: every response carries the security headers, the CSP is what the
 * built client needs and no more, HSTS only behind https; /healthz names nothing.
 */
const metricsToken = 'health-detail-token-0123456789';
let server: TestServer;
let coordinator: UserClient;
let proposalId: string;

beforeAll(async () => {
  server = await startTestServer({ METRICS_TOKEN: metricsToken });
  coordinator = await signUp(server, { name: 'Coordinator' });
  proposalId = (await createProposal(coordinator)).id;
});
afterAll(async () => {
  await server?.stop();
});

/** The CSP header as directive -> sources. */
function parseCsp(header: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name, sources);
  }
  return out;
}

const expectedCsp: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'style-src-attr': ["'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

function expectSecurityHeaders(headers: Headers, what: string): void {
  const csp = parseCsp(headers.get('content-security-policy'));
  expect(Object.fromEntries(csp), what).toEqual(expectedCsp);
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('x-frame-options'), what).toBe('DENY');
  expect(headers.get('referrer-policy'), what).toBe('strict-origin-when-cross-origin');
  expect(headers.get('cross-origin-opener-policy'), what).toBe('same-origin');
  expect(headers.get('x-powered-by'), what).toBeNull();
}

describe('SEC24 security headers', () => {
  it('SEC24 every kind of response carries them: page, deep link, asset, API (ok, 400, 401, 404, 415), export download, event stream, /healthz, /metrics', async () => {
    const anon = new ApiClient(server.url);
    const raw = (path: string, init?: RequestInit) => fetch(server.url + path, init);
    const cases: [string, Promise<{ status: number; headers: Headers }>][] = [
      ['page /', raw('/')],
      ['deep link', raw(`/proposals/${proposalId}`)],
      ['missing asset', raw('/assets/none.js')],
      ['API 200', coordinator.get('/api/proposals')],
      ['API 400', coordinator.post('/api/proposals', { title: '' })],
      ['API 401', anon.get('/api/me')],
      ['API 404', coordinator.get('/api/nothing-here')],
      ['API 415', coordinator.request('POST', '/api/proposals', '{}', { 'content-type': 'text/plain' })],
      ['HTML export', coordinator.request('GET', `/api/proposals/${proposalId}/export?format=html`)],
      ['/healthz', anon.get('/healthz')],
      ['/metrics', anon.get('/metrics')],
    ];
    for (const [what, pending] of cases) {
      const res = await pending;
      expectSecurityHeaders(res.headers, `${what} (${res.status})`);
    }
    const exported = await coordinator.request('GET', `/api/proposals/${proposalId}/export?format=html`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(/attachment/);

    // The event stream: its headers arrive before any event.
    const ctl = new AbortController();
    const stream = await fetch(`${server.url}/api/proposals/${proposalId}/events`, { headers: { cookie: coordinator.cookie ?? '' }, signal: ctl.signal });
    expect(stream.status).toBe(200);
    expectSecurityHeaders(stream.headers, 'event stream');
    ctl.abort();
  });

  it('SEC24 no HSTS over http; HSTS for a year when PUBLIC_ORIGIN is https', async () => {
    expect((await fetch(`${server.url}/healthz`)).headers.get('strict-transport-security')).toBeNull();
    const behindHttps = await startTestServer({ PUBLIC_ORIGIN: 'https://twinpad.example' });
    try {
      for (const path of ['/healthz', '/', '/api/me']) {
        const res = await fetch(behindHttps.url + path);
        expect(res.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains');
        expectSecurityHeaders(res.headers, path);
      }
    } finally {
      await behindHttps.stop();
    }
  });

  it('SEC24 the built client has no inline script, inline style or event-handler attribute for the CSP to block', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'twinpad-csp-build-'));
    try {
      await build({ configFile: join(process.cwd(), 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
      const html = readFileSync(join(outDir, 'index.html'), 'utf8');
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/\bsrc="\/assets\//);
        expect(body!.trim()).toBe('');
      }
      expect(html).not.toMatch(/<style\b/i);
      expect(html).not.toMatch(/\sstyle=/i);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      // Every stylesheet and script is a file of ours under /assets.
      for (const [, href] of html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/gi)) expect(href).toMatch(/^(\/assets\/|data:image\/svg\+xml,)/);
      expect(readdirSync(join(outDir, 'assets')).some((f) => f.endsWith('.css'))).toBe(true);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});

describe('SEC25 /healthz', () => {
  it('SEC25 the public answer is {ok: true}: no backend, no Redis state', async () => {
    const res = await new ApiClient(server.url).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    const wrong = await fetch(`${server.url}/healthz`, { headers: { authorization: `Bearer ${metricsToken}x` } });
    expect(await wrong.json()).toEqual({ ok: true });
  });

  it('SEC25 the detail (backend, redis) is for the metrics token', async () => {
    const res = await fetch(`${server.url}/healthz`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, backend: server.database.db.backend, redis: 'off' });
  });

  it('SEC25 without a metrics token configured, no header reveals the detail', async () => {
    const plain = await startTestServer();
    try {
      for (const auth of [undefined, 'Bearer ', 'Bearer undefined', `Bearer ${metricsToken}`]) {
        const res = await fetch(`${plain.url}/healthz`, { headers: auth === undefined ? {} : { authorization: auth } });
        expect(await res.json(), String(auth)).toEqual({ ok: true });
      }
    } finally {
      await plain.stop();
    }
  });
});
