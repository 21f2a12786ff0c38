import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, serverEntryPoints } from '../../scripts/build-server';
import { signUp } from '../helpers/factories';
import { waitFor } from '../helpers/yclient';

/**
 * Production runs the compiled server (`npm run build` writes dist-server/;
 * `npm start`, `npm run serve` and the Dockerfile run `node dist-server/main.js`).
 * This suite compiles it the same way into a scratch directory of the repo and
 * runs it with plain node: no TypeScript loader is registered, so any .ts left
 * in the bundle's imports would fail to load.
 */
const root = resolve(import.meta.dirname, '../..');

describe('OPS: the compiled server', () => {
  let outDir: string;
  let dataDir: string;
  let child: ChildProcess | null = null;
  let exited: Promise<number | null>;
  let out = '';
  let url = '';

  beforeAll(async () => {
    mkdirSync(join(root, '.tmp'), { recursive: true });
    outDir = mkdtempSync(join(root, '.tmp', 'compiled-server-'));
    dataDir = mkdtempSync(join(tmpdir(), 'twinpad-compiled-'));
    await buildServer(outDir);
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('OPS18: the build writes one ES module per entry point (server, backup, restore) that imports no TypeScript and no tsx', () => {
    for (const name of Object.keys(serverEntryPoints)) {
      const bundle = readFileSync(join(outDir, `${name}.js`), 'utf8');
      expect(bundle).not.toMatch(/from\s*["'][^"']*\.ts["']/);
      expect(bundle).not.toMatch(/["']tsx(\/[^"']*)?["']/);
      expect(existsSync(join(outDir, `${name}.js.map`))).toBe(true);
    }
  });

  it('OPS19: `node dist-server/main.js` on a new data dir logs its steps, serves /healthz and a signup round trip, logs each request as JSON, and stops on SIGTERM', async () => {
    child = spawn(process.execPath, [join(outDir, 'main.js')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', STATIC_DIR: './dist', DATA_DIR: join(dataDir, 'data'), METRICS_TOKEN: 'compiled-metrics-token-0123' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = child;
    exited = new Promise((r) => proc.once('exit', (code) => r(code)));
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => /listening on http:\/\/\S+/.test(out) || proc.exitCode !== null, 60_000, 'the ready line');
    expect(out).toMatch(/^twinpad migrations: .* \(\d+ ms\)$/m);
    url = /listening on (http:\/\/\S+)/.exec(out)![1]!;

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    // The detail is for the metrics token (SEC25).
    const detail = await fetch(`${url}/healthz`, { headers: { authorization: 'Bearer compiled-metrics-token-0123' } });
    expect(await detail.json()).toEqual({ ok: true, backend: 'pglite', redis: 'off' });
    const user = await signUp({ url });
    const me = await user.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: user.user.id, email: user.user.email } });

    const requestId = me.headers.get('x-request-id');
    await waitFor(() => out.includes(`"reqId":"${requestId}"`), 10_000, 'the request line');
    const line = out.split('\n').find((l) => l.includes(`"reqId":"${requestId}"`))!;
    expect(JSON.parse(line)).toMatchObject({ msg: 'request', method: 'GET', path: '/api/me', status: 200, userId: user.user.id });

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('OPS20: the compiled backup command reads the data dir the compiled server wrote', async () => {
    const file = join(dataDir, 'after.gz');
    const backup = spawn(process.execPath, [join(outDir, 'backup.js'), '--out', file], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: join(dataDir, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    backup.stdout.on('data', (d: Buffer) => (text += d.toString()));
    backup.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const code = await new Promise<number | null>((r) => backup.once('exit', r));
    expect(text).toMatch(/^twinpad backup: \d+ rows in \d+ tables/);
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(true);
  });
});
