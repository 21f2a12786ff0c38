import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/config';
import { createServerLog } from '../../server/logger';
import { startServer, type RunningServer } from '../../server/server';
import { openTestDatabase, type TestDatabase } from '../helpers/db';
import { accept, addPartner, createProposal, invite, lulea, signUp } from '../helpers/factories';
import { ApiClient } from '../helpers/http';
import { fragmentText, stockClient, typeParagraph, waitFor } from '../helpers/yclient';

/** A log destination that keeps every line the server writes. */
class CapturedLog extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(line);
    done();
  }
  records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  requests(): Record<string, unknown>[] {
    return this.records().filter((r) => r.msg === 'request');
  }
}

interface Started {
  server: RunningServer;
  log: CapturedLog;
}

const databases: TestDatabase[] = [];
const servers: RunningServer[] = [];

async function start(level: string): Promise<Started> {
  const database = await openTestDatabase();
  databases.push(database);
  const log = new CapturedLog();
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: level, STATIC_DIR: './dist' });
  const server = await startServer(config, { db: database.db, logDestination: log });
  servers.push(server);
  return { server, log };
}

afterAll(async () => {
  for (const s of servers) await s.close();
  for (const d of databases) await d.dispose();
});

describe('OPS: structured request logs', () => {
  let debug: Started;
  beforeAll(async () => {
    debug = await start('debug');
  });

  it('OPS1: every response carries an X-Request-Id and one JSON line per request carries the same id, method, path, route, status, ms and user id', async () => {
    const alice = await signUp(debug.server);
    const res = await alice.get('/api/me');
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = debug.log.requests().filter((r) => r.reqId === id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, app: 'twinpad', method: 'GET', path: '/api/me', route: '/api/me', status: 200, userId: alice.user.id });
    expect(typeof lines[0]!.ms).toBe('number');

    // An anonymous request has a line too, with no user.
    const anon = await fetch(`${debug.server.url}/healthz`);
    const anonId = anon.headers.get('x-request-id');
    expect(debug.log.requests().filter((r) => r.reqId === anonId)).toEqual([
      expect.objectContaining({ method: 'GET', path: '/healthz', status: 200, userId: null }),
    ]);
  });

  it('OPS2: a well-formed X-Request-Id from a proxy is kept; a malformed one is replaced', async () => {
    const kept = await fetch(`${debug.server.url}/healthz`, { headers: { 'x-request-id': 'proxy-abc_123' } });
    expect(kept.headers.get('x-request-id')).toBe('proxy-abc_123');
    expect(debug.log.requests().filter((r) => r.reqId === 'proxy-abc_123')).toHaveLength(1);
    const replaced = await fetch(`${debug.server.url}/healthz`, { headers: { 'x-request-id': 'bad id; drop table' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('OPS3: at debug, no line ever holds a password, a session token, an invitation token or a cookie (signup, login, invitation preview and accept, password change, a collab socket)', async () => {
    const password = `pw-${Math.random().toString(36).slice(2)}-very-secret`;
    const coordinator = await signUp(debug.server, { password });
    const proposal = await createProposal(coordinator);
    const partner = await addPartner(coordinator, proposal.id, lulea);
    const { token: invitationToken } = await invite(coordinator, proposal.id, partner.id, 'editor');

    const guestPassword = `guest-${Math.random().toString(36).slice(2)}-secret`;
    const guest = await signUp(debug.server, { password: guestPassword });
    const preview = await guest.get(`/api/invitations/${invitationToken}?utm=${invitationToken}`);
    expect(preview.status).toBe(200);
    await accept(guest, invitationToken);

    const again = new ApiClient(debug.server.url);
    const login = await again.post('/api/auth/login', { email: coordinator.user.email, password });
    expect(login.status).toBe(200);
    const newPassword = `${password}-changed`;
    const change = await again.post('/api/me/password', { currentPassword: password, newPassword });
    expect([200, 204]).toContain(change.status);

    // A collab socket upgrades with the session cookie; the room and socket events must not log it either.
    const sectionId = proposal.sections[0]!.id;
    const writer = stockClient(debug.server.url, sectionId, again);
    const reader = stockClient(debug.server.url, sectionId, guest);
    try {
      await waitFor(() => writer.provider.synced && reader.provider.synced, 15_000, 'sync');
      typeParagraph(writer, 'Logged without secrets');
      await waitFor(() => fragmentText(reader.doc).includes('Logged without secrets'), 15_000, 'the edit relayed');
    } finally {
      writer.destroy();
      reader.destroy();
    }

    const sessionTokens = [coordinator.cookie, guest.cookie, again.cookie].map((c) => c!.slice(c!.indexOf('=') + 1));
    const secrets = [password, guestPassword, newPassword, invitationToken, ...sessionTokens];
    for (const s of secrets) expect(s.length).toBeGreaterThan(10);
    const offending = debug.log.lines.filter((line) => secrets.some((s) => line.includes(s)));
    expect(offending).toEqual([]);

    // The lines are there, with their headers, and the secrets in them are redacted.
    const acceptLine = debug.log.requests().find((r) => r.method === 'POST' && r.route === '/api/invitations/:token/accept');
    expect(acceptLine).toMatchObject({ path: '/api/invitations/:token/accept', status: 200, userId: guest.user.id });
    expect(acceptLine?.req).toMatchObject({ headers: { cookie: '[redacted]' } });
    const loginLine = debug.log.requests().find((r) => r.method === 'POST' && r.path === '/api/auth/login');
    expect(loginLine?.res).toMatchObject({ headers: { 'set-cookie': '[redacted]' } });
    const previewLine = debug.log.requests().find((r) => r.method === 'GET' && r.route === '/api/invitations/:token');
    expect(previewLine).toMatchObject({ path: '/api/invitations/:token', status: 200 });
  });
});

describe('OPS: LOG_LEVEL', () => {
  it('OPS4: at error there is no request line; at silent there is no line at all', async () => {
    const quiet = await start('error');
    const silent = await start('silent');
    for (const { server } of [quiet, silent]) {
      const user = await signUp(server);
      expect((await user.get('/api/me')).status).toBe(200);
    }
    expect(quiet.log.requests()).toEqual([]);
    expect(silent.log.lines).toEqual([]);
  });

  it('OPS5: at info the request line has no headers (they are logged, redacted, at debug only)', async () => {
    const info = await start('info');
    const user = await signUp(info.server);
    await user.get('/api/me');
    const lines = info.log.requests();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line).not.toHaveProperty('req');
      expect(line).not.toHaveProperty('res');
    }
  });
});

describe('OPS: the log redacts what a handler might pass it', () => {
  it('OPS25: passwords (also current and new), tokens, cookies, Authorization and Set-Cookie are replaced by [redacted], at the top level and one level down', () => {
    const out = new CapturedLog();
    const log = createServerLog('debug', out);
    log.info({
      password: 'p1-secret',
      currentPassword: 'p2-secret',
      newPassword: 'p3-secret',
      token: 't1-secret',
      cookie: 'c1-secret',
      body: { password: 'p4-secret', newPassword: 'p5-secret', token: 't2-secret' },
      req: { headers: { cookie: 'c2-secret', authorization: 'Bearer a1-secret', 'user-agent': 'kept' } },
      res: { headers: { 'set-cookie': 'c3-secret' } },
    }, 'handler');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).not.toMatch(/secret/);
    expect(out.records()[0]).toMatchObject({
      password: '[redacted]',
      newPassword: '[redacted]',
      body: { password: '[redacted]', token: '[redacted]' },
      req: { headers: { cookie: '[redacted]', authorization: '[redacted]', 'user-agent': 'kept' } },
      res: { headers: { 'set-cookie': '[redacted]' } },
    });
  });
});
