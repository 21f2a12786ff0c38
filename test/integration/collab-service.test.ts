import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseConfig } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import { closeCode } from '../../shared/protocol';
import { buildWorld, joinAs, lulea, addPartner, type CollabWorld } from '../helpers/factories';
import { instrumented, openTestDatabase, type TestDatabase } from '../helpers/db';
import { cookieSocketClass, fragmentText, frameKind, rawClient, stockClient, waitFor, type RawClient } from '../helpers/yclient';
import type { Sql } from '../../server/db/sql';

/**
 * The collaboration service (ctx.collab) against a real server on port 0 with
 * raw `ws` sockets (they never reconnect, so every statement counted is the
 * re-check's own). The server's database is the file's real one, instrumented
 * to count statements.
 */
let database: TestDatabase;
let server: RunningServer;
let world: CollabWorld;
/** Statements the server ran while `counting` is set. */
let counted: string[] = [];
let counting = false;
/** The server's structured log (debug), one JSON line each. */
const logLines: string[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  const db: Sql = instrumented(database.db, {
    query: (text, params) => {
      if (counting) counted.push(text);
      return database.db.query(text, params);
    },
  });
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', STATIC_DIR: './dist' });
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  server = await startServer(config, { db, logDestination });
  world = await buildWorld(server);
});
afterAll(async () => {
  await server?.close();
  await database?.dispose();
});

/** Opens a raw socket and waits for the server's sync step 1 (the room is loaded and the socket started). */
async function joined(sectionId: string, cookie: string | undefined): Promise<RawClient> {
  const raw = await rawClient(server.url, sectionId, cookie);
  await waitFor(() => raw.frames.some((f) => frameKind(f).type === 0 && frameKind(f).sub === 0), 5000, 'sync step 1');
  return raw;
}

/** Runs `act` while counting the server's statements; `done` says when the re-check has acted. */
async function statementsDuring(act: () => void, done: () => boolean): Promise<string[]> {
  counted = [];
  counting = true;
  try {
    act();
    await waitFor(done, 10_000, 're-check acted');
  } finally {
    counting = false;
  }
  return counted;
}

describe('rights re-check', () => {
  it('SVC4: a section change re-checks every socket of the section with ONE statement, however many sockets', async () => {
    const section = world.sectionIds[1]!;
    const sockets = await Promise.all([
      joined(section, world.coordinator.cookie),
      joined(section, world.coordinator.cookie),
      joined(section, world.editor.cookie),
      joined(section, world.reviewer.cookie),
      joined(section, world.reviewer.cookie),
    ]);
    // The section is approved behind the server's back (uncounted), then the event tells it.
    await database.db.query(`update sections set status = 'approved' where id = $1`, [section]);
    const writers = sockets.slice(0, 2);
    const statements = await statementsDuring(
      () => server.ctx.events.publish({ type: 'section.changed', proposalId: world.proposal.id, sectionId: section }),
      () => writers.every((w) => w.closed !== null),
    );
    expect(writers.map((w) => w.closed?.code)).toEqual([closeCode.rightsChanged, closeCode.rightsChanged]);
    expect(statements).toHaveLength(1);
    // Read-only sockets stay read-only and open.
    expect(sockets.slice(2).map((s) => s.closed)).toEqual([null, null, null]);
    for (const s of sockets) s.close();
  });

  it('SVC4: a member change re-checks every socket of that user in the proposal with ONE statement', async () => {
    const partner = await addPartner(world.coordinator, world.proposal.id, { ...lulea, name: 'Second partner', town: 'Kiruna' });
    const joinedUser = await joinAs(server, world.coordinator, world.proposal.id, partner.id, 'coordinator', { name: 'Co-coordinator' });
    const [a, b] = world.sectionIds.slice(2, 4) as [string, string];
    const sockets = await Promise.all([joined(a, joinedUser.client.cookie), joined(a, joinedUser.client.cookie), joined(b, joinedUser.client.cookie)]);
    const [member] = await database.db.query<{ id: string }>(`select user_id as id from members where proposal_id = $1 and partner_id = $2`, [world.proposal.id, partner.id]);
    await database.db.query(`update members set role = 'reviewer' where proposal_id = $1 and user_id = $2`, [world.proposal.id, member!.id]);
    const statements = await statementsDuring(
      () => server.ctx.events.publish({ type: 'member.changed', proposalId: world.proposal.id, userId: member!.id }),
      () => sockets.every((s) => s.closed !== null),
    );
    expect(sockets.map((s) => s.closed?.code)).toEqual([closeCode.rightsChanged, closeCode.rightsChanged, closeCode.rightsChanged]);
    expect(statements).toHaveLength(1);
  });
});

/** The status and body of an upgrade attempt (101 and '' when it was accepted). */
async function upgradeAnswer(sectionId: string, cookie: string | undefined, origin: string | undefined = server.url): Promise<{ status: number; body: string }> {
  const Cls = cookieSocketClass(cookie, origin);
  const ws = new Cls(server.url.replace(/^http/, 'ws') + '/collab/' + sectionId);
  return new Promise((resolve) => {
    ws.once('open', () => {
      ws.terminate();
      resolve({ status: 101, body: '' });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', () => {});
  });
}

/** The value of one sample in the registry's text exposition, or 0 when it is absent. */
async function sample(name: string): Promise<number> {
  const text = await server.ctx.metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

describe('re-check outcomes', () => {
  it('SVC5: a member who may now write is upgraded in place (a new sync step 1, the socket stays open); one who left the proposal is closed with 4404', async () => {
    const lead = world.proposal.partners.find((p) => p.isLead)!;
    const { client, user } = await joinAs(server, world.coordinator, world.proposal.id, lead.id, 'reviewer', { name: 'Promoted' });
    const section = world.sectionIds[11]!;
    const raw = await joined(section, client.cookie);
    const step1s = () => raw.frames.filter((f) => frameKind(f).type === 0 && frameKind(f).sub === 0).length;
    expect(step1s()).toBe(1);
    await database.db.query(`update members set role = 'coordinator' where proposal_id = $1 and user_id = $2`, [world.proposal.id, user.id]);
    const upgraded = await server.ctx.collab.rightsChanged({ kind: 'member', proposalId: world.proposal.id, userId: user.id });
    expect([...upgraded.values()]).toEqual(['upgraded']);
    await waitFor(() => step1s() === 2, 5000, 'a new sync step 1');
    expect(raw.closed).toBeNull();
    await database.db.query(`delete from members where proposal_id = $1 and user_id = $2`, [world.proposal.id, user.id]);
    const closed = await server.ctx.collab.rightsChanged({ kind: 'member', proposalId: world.proposal.id, userId: user.id });
    expect([...closed.values()]).toEqual(['closed']);
    await waitFor(() => raw.closed !== null, 5000, 'closed');
    expect(raw.closed?.code).toBe(closeCode.notFound);
  });
});

describe('admission through the policy', () => {
  it('SVC2: an upgrade asks the policy once: one statement loads the section, the membership and the partner', async () => {
    const section = world.sectionIds[4]!;
    counted = [];
    counting = true;
    const raw = await rawClient(server.url, section, world.editor.cookie);
    counting = false;
    const rights = counted.filter((q) => /\bsections\b|\bmembers\b|\bpartners\b/.test(q));
    expect(rights).toHaveLength(1);
    raw.close();
  });

  it('SVC3: every refusal is one plain HTTP answer with a status and a code, never a sentence', async () => {
    const section = world.sectionIds[4]!;
    expect(await upgradeAnswer(section, undefined)).toEqual({ status: 401, body: '{"error":{"code":"no_session","params":{}}}' });
    expect(await upgradeAnswer(section, world.coordinator.cookie, 'https://evil.example')).toEqual({ status: 403, body: '{"error":{"code":"foreign_origin","params":{}}}' });
    expect(await upgradeAnswer(section, world.outsider.cookie)).toEqual({ status: 403, body: '{"error":{"code":"not_member","params":{}}}' });
    expect(await upgradeAnswer('00000000-0000-4000-8000-000000000000', world.coordinator.cookie)).toEqual({ status: 404, body: '{"error":{"code":"section_not_found","params":{}}}' });
    expect(await upgradeAnswer('not-a-uuid', world.coordinator.cookie)).toEqual({ status: 404, body: '{"error":{"code":"section_not_found","params":{}}}' });
    expect(await upgradeAnswer(section, world.reviewer.cookie)).toEqual({ status: 101, body: '' });
  });
});

describe('the service on the context', () => {
  it('SVC11: a refused frame counts by close code, a refused upgrade by status, and rooms, sockets and commits show in the registry', async () => {
    const section = world.sectionIds[5]!;
    const before = {
      protocol: await sample('twinpad_rejected_frames_total{code="4400"}'),
      editRefused: await sample('twinpad_rejected_frames_total{code="4403"}'),
      forbidden: await sample('twinpad_refused_upgrades_total{status="403"}'),
      commits: await sample('twinpad_commit_batch_size_count'),
    };
    const hostile = await joined(section, world.coordinator.cookie);
    hostile.send(Uint8Array.of(0xff, 0xff, 0xff));
    await waitFor(() => hostile.closed !== null, 5000, 'hostile socket closed');
    expect(hostile.closed?.code).toBe(closeCode.protocolError);
    const reader = stockClient(server.url, section, world.reviewer);
    const writer = stockClient(server.url, section, world.coordinator);
    try {
      await waitFor(() => reader.provider.synced && writer.provider.synced, 5000, 'synced');
      // The hostile socket is gone; the reader and the writer are the server's only sockets.
      await waitFor(() => server.ctx.collab.stats().sockets === 2, 5000, 'exactly the two sockets');
      expect(await sample('twinpad_sockets')).toBe(2);
      expect(await sample('twinpad_rooms')).toBe(server.ctx.collab.stats().rooms);
      writer.doc.getXmlFragment('default').insert(0, [new Y.XmlText('counted')]);
      await waitFor(async () => (await sample('twinpad_commit_batch_size_count')) > before.commits, 5000, 'commit observed');
      expect(await sample('twinpad_commit_latency_seconds_count')).toBe(await sample('twinpad_commit_batch_size_count'));
      // A read-only socket's edit: permission-denied and 4403, counted.
      reader.doc.getXmlFragment('default').insert(0, [new Y.XmlText('refused')]);
      await waitFor(() => reader.closes.some((c) => c.code === closeCode.editRefused), 5000, 'reader refused');
    } finally {
      reader.destroy();
      writer.destroy();
    }
    expect(await upgradeAnswer(section, world.outsider.cookie)).toMatchObject({ status: 403 });
    expect(await sample('twinpad_rejected_frames_total{code="4400"}')).toBe(before.protocol + 1);
    expect(await sample('twinpad_rejected_frames_total{code="4403"}')).toBe(before.editRefused + 1);
    expect(await sample('twinpad_refused_upgrades_total{status="403"}')).toBe(before.forbidden + 1);
  });

  it('SVC12: socket and room events are logged with ids and codes, never the session cookie or token', async () => {
    const section = world.sectionIds[6]!;
    const from = logLines.length;
    const raw = await joined(section, world.editor.cookie);
    raw.close();
    await waitFor(() => logLines.slice(from).some((l) => l.includes('"socket.closed"')), 5000, 'close logged');
    const lines = logLines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
    const accepted = lines.find((l) => l.msg === 'socket.accepted');
    expect(accepted).toMatchObject({ section, user: world.editor.user.id, access: 'read-only', reason: 'not_owner' });
    expect(lines.find((l) => l.msg === 'room.created')).toMatchObject({ section });
    const token = decodeURIComponent(world.editor.cookie!.split('=')[1]!.split(';')[0]!);
    expect(logLines.some((l) => l.includes(token))).toBe(false);
  });

  it('SVC15: closeSection closes every socket of the section on this instance with the code, and no other', async () => {
    const [target, other] = [world.sectionIds[7]!, world.sectionIds[8]!];
    const sockets = await Promise.all([joined(target, world.coordinator.cookie), joined(target, world.reviewer.cookie)]);
    const bystander = await joined(other, world.coordinator.cookie);
    expect(server.ctx.collab.closeSection(target, closeCode.notFound, 'section_not_found')).toBe(2);
    await waitFor(() => sockets.every((s) => s.closed !== null), 5000, 'sockets closed');
    expect(sockets.map((s) => s.closed?.code)).toEqual([closeCode.notFound, closeCode.notFound]);
    expect(bystander.closed).toBeNull();
    bystander.close();
  });

  it('SVC16: presence(proposalId) is this instance\'s view of who is in which section', async () => {
    const section = world.sectionIds[9]!;
    const raw = await joined(section, world.reviewer.cookie);
    const view = server.ctx.collab.presence(world.proposal.id);
    expect(view.sections[section]).toEqual([expect.objectContaining({ id: world.reviewer.user.id, name: 'Reviewer' })]);
    expect(typeof view.instanceId).toBe('string');
    raw.close();
    await waitFor(() => server.ctx.collab.presence(world.proposal.id).sections[section] === undefined, 5000, 'left');
  });
});

describe('no module-level state', () => {
  it('SVC7: two servers in one process share no rooms, sockets, presence or server edits', async () => {
    const second = await startServer(parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist' }), { db: database.db });
    const section = world.sectionIds[10]!;
    const client = stockClient(server.url, section, world.coordinator);
    try {
      await waitFor(() => client.provider.synced, 5000, 'synced on the first server');
      expect(server.ctx.collab.presence(world.proposal.id).sections[section]).toHaveLength(1);
      expect(second.ctx.collab.presence(world.proposal.id).sections).toEqual({});
      expect(second.ctx.collab.stats()).toEqual({ rooms: 0, sockets: 0 });
      expect(second.ctx.collab.presence(world.proposal.id).instanceId).not.toBe(server.ctx.collab.presence(world.proposal.id).instanceId);
      // A server edit through the first server's service goes through its live room: the socket sees it.
      await server.ctx.collab.applyServerEdit(section, world.coordinator.user.id, (doc) => {
        doc.getXmlFragment('default').insert(0, [new Y.XmlText('from the first service')]);
      });
      await waitFor(() => fragmentText(client.doc).includes('from the first service'), 5000, 'edit reached the socket');
      // The second server's edit has no room of its own: it goes to storage (the first room is not its own).
      await second.ctx.collab.applyServerEdit(section, world.coordinator.user.id, (doc) => {
        doc.getXmlFragment('default').insert(0, [new Y.XmlText('stored by the second')]);
      });
      expect(second.ctx.collab.stats().rooms).toBe(0);
      expect(fragmentText(client.doc)).not.toContain('stored by the second');
    } finally {
      client.destroy();
      await second.close();
    }
  });
});

