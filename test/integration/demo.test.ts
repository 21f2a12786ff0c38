import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../server/db/data-dir-lock';
import type { Proposal } from '../../shared/schemas/domain';
import { ApiClient } from '../helpers/http';
import { startInstance, type Instance } from '../helpers/instances';
import { fragmentText, stockClient, waitFor } from '../helpers/yclient';

/**
 * `npm run demo` against a real server process on a PGlite data dir of its own
 * (always PGlite: the bug is two processes opening one data dir). The demo runs
 * as its own process with the same DATA_DIR and PORT, as a user would run it.
 */
const PASSWORD = 'twinpad-demo-2026';
const TITLE = 'NTT+ Network of Towns: young people in the Arctic and the Mediterranean';

interface Run {
  code: number | null;
  out: string;
}

function runDemo(env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

async function signIn(baseUrl: string, email: string): Promise<ApiClient> {
  const api = new ApiClient(baseUrl);
  const res = await api.post('/api/auth/login', { email, password: PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return api;
}

async function demoProposal(api: ApiClient): Promise<Proposal> {
  const list = await api.get<{ proposals: { id: string; title: string }[] }>('/api/proposals');
  const mine = list.body.proposals.filter((p) => p.title === TITLE);
  expect(mine).toHaveLength(1);
  const res = await api.get<{ proposal: Proposal }>(`/api/proposals/${mine[0]!.id}`);
  return res.body.proposal;
}

describe('npm run demo while the server runs (PGlite)', () => {
  let dir: string;
  let server: Instance;
  let env: Record<string, string>;
  let first: Run;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinpad-demo-'));
    server = await startInstance({ DATA_DIR: join(dir, 'data') });
    env = { DATA_DIR: join(dir, 'data'), PORT: String(server.port), HOST: '127.0.0.1' };
    first = await runDemo(env);
  }, 180_000);

  afterAll(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('WSH14 seeds through the running server: afterwards a demo user signs in (200, not 500) and sees the proposal', async () => {
    expect(first.code, first.out).toBe(0);
    for (const email of ['chiara@bologna.demo', 'lena@lulea.demo', 'rita@review.demo']) await signIn(server.url, email);
    const coordinator = await signIn(server.url, 'chiara@bologna.demo');
    const proposal = await demoProposal(coordinator);
    expect(proposal.partners).toHaveLength(4);
    expect(proposal.members).toHaveLength(6);
    // The drafted text is in the running server's rooms, readable by a stock client.
    const reader = stockClient(server.url, proposal.sections[0]!.id, coordinator);
    await waitFor(() => reader.provider.synced && fragmentText(reader.doc).includes('NTT+ brings together four towns'), 15_000, 'the drafted text');
    reader.destroy();
    expect(server.child.exitCode).toBeNull();
  });

  it('WSH15 the demo dates are relative to today: the deadline is ahead and most sections are not late', async () => {
    const proposal = await demoProposal(await signIn(server.url, 'chiara@bologna.demo'));
    const today = new Date().toISOString().slice(0, 10);
    expect(proposal.deadline! > today).toBe(true);
    const due = proposal.sections.map((s) => s.dueDate).filter((d): d is string => d !== null);
    expect(due.length).toBe(proposal.sections.length);
    expect(due.filter((d) => d < today).length).toBeLessThan(due.length / 2);
    expect(due.filter((d) => d >= today).length).toBeGreaterThan(0);
  });

  it('WSH15 the printed address passes the server’s Origin check', async () => {
    const m = /Open (http:\/\/\S+)/.exec(first.out);
    expect(m, first.out).not.toBeNull();
    const origin = new URL(m![1]!).origin;
    const api = new ApiClient(server.url, origin);
    const res = await api.post('/api/auth/login', { email: 'marco@bologna.demo', password: PASSWORD });
    expect(res.status).toBe(200);
    // The check is real: a foreign Origin is refused.
    const foreign = await new ApiClient(server.url, 'http://evil.example').post('/api/auth/login', { email: 'marco@bologna.demo', password: PASSWORD });
    expect(foreign.status).toBe(403);
  });

  it('WSH15 a second run is harmless: same proposal, no duplicates, sign-ins still work', async () => {
    const before = await demoProposal(await signIn(server.url, 'chiara@bologna.demo'));
    const second = await runDemo(env);
    expect(second.code, second.out).toBe(0);
    const after = await demoProposal(await signIn(server.url, 'chiara@bologna.demo'));
    expect(after.id).toBe(before.id);
    expect(after.partners.map((p) => p.id).sort()).toEqual(before.partners.map((p) => p.id).sort());
    expect(after.members).toHaveLength(before.members.length);
    const coordinator = await signIn(server.url, 'chiara@bologna.demo');
    const reader = stockClient(server.url, after.sections[0]!.id, coordinator);
    await waitFor(() => reader.provider.synced, 15_000, 'sync');
    expect(fragmentText(reader.doc).split('NTT+ brings together four towns').length - 1).toBe(1);
    reader.destroy();
    for (const email of ['heikki@helsinki.demo', 'carmen@coruna.demo']) await signIn(server.url, email);
  }, 120_000);
});

describe('one process per PGlite data dir', () => {
  let dir: string;
  let server: Instance | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'twinpad-lock-'));
  });
  afterAll(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('WSH14 a second server refuses a data dir a live server holds, naming it; the first keeps working', async () => {
    const dataDir = join(dir, 'held');
    server = await startInstance({ DATA_DIR: dataDir });
    const second = await startInstance({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }).catch((err: unknown) => err);
    if (!(second instanceof Error)) await (second as Instance).kill();
    expect(second).toBeInstanceOf(Error);
    expect((second as Error).message).toContain(`is in use by process ${server.child.pid}`);
    const api = new ApiClient(server.url);
    const res = await api.post('/api/auth/signup', { email: 'after-refusal@example.org', password: 'correct horse battery staple', name: 'After' });
    expect(res.status).toBe(201);
    expect((await api.post('/api/auth/login', { email: 'after-refusal@example.org', password: 'correct horse battery staple' })).status).toBe(200);
  }, 120_000);

  it('WSH14 a stale lock, whose process is gone, is ignored: the server starts', async () => {
    const dataDir = join(dir, 'stale');
    mkdirSync(dataDir);
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: gone.pid, token: 'old', procStart: null, startedAt: new Date().toISOString(), url: 'http://127.0.0.1:1', origin: null }));
    const fresh = await startInstance({ DATA_DIR: dataDir });
    try {
      const res = await fetch(`${fresh.url}/healthz`);
      expect(res.status).toBe(200);
    } finally {
      await fresh.kill();
    }
  }, 120_000);

  it('WSH14 the demo refuses, clearly, a data dir held by a live process that serves nothing, and leaves it alone', async () => {
    const dataDir = join(dir, 'tool');
    mkdirSync(dataDir);
    const longAgo = new Date(Date.now() - 5 * 60_000).toISOString();
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: process.pid, token: 'tool', procStart: null, startedAt: longAgo, url: null, origin: null }));
    const run = await runDemo({ DATA_DIR: dataDir, PORT: '3999' });
    expect(run.code).toBe(1);
    expect(run.out).toContain(`held by process ${process.pid}`);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(false);
  });

  it('WSH16 a first start logs each step with its duration; its new data dir is a copy of the start-up image', async () => {
    const dataDir = join(dir, 'first-start');
    const env = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', STATIC_DIR: './dist', DATA_DIR: dataDir, PATH: process.env.PATH ?? '' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes('listening on') || child.exitCode !== null, 90_000, 'the ready line');
      // The image itself is made once per machine (postinstall); where it was not, this start makes it first.
      const lines = out.trim().split('\n').filter((l) => !/^twinpad database: made the PGlite start-up image /.test(l));
      expect(lines, out).toEqual([
        expect.stringMatching(/^twinpad database: created a new PGlite cluster from the start-up image in .*first-start \(\d+ ms\)$/),
        expect.stringMatching(/^twinpad migrations: schema up to date \(\d+ ms\)$/),
        expect.stringMatching(/^twinpad ready: listening on http:\/\/127\.0\.0\.1:\d+ \(PGlite in .*\); open http:\/\/localhost:\d+ \(\d+ ms after start\)$/),
      ]);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  }, 120_000);
});
