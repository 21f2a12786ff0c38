import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/config';
import type { Sql } from '../../server/db/sql';
import { startServer, type RunningServer } from '../../server/server';
import { limits } from '../../shared/limits';
import { openEventStream, type EventStream } from '../helpers/event-stream';
import { instrumented, openTestDatabase, type TestDatabase } from '../helpers/db';
import { buildWorld, createProposal, lulea, signUp, type CollabWorld, type UserClient } from '../helpers/factories';
import { waitFor } from '../helpers/yclient';

/**
 * SEC26 and SEC27: lists that grow without bound come in pages, counts have caps,
 * and the event streams of a proposal share one activity reader. A real server
 * over the file's real database, instrumented to count statements.
 */
let database: TestDatabase;
let server: RunningServer;
let world: CollabWorld;
let counted: string[] = [];
let counting = false;
const closers: (() => void)[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  const db: Sql = instrumented(database.db, {
    query: (text, params) => {
      if (counting) counted.push(text);
      return database.db.query(text, params);
    },
  });
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STATIC_DIR: './dist' });
  server = await startServer(config, { db });
  world = await buildWorld(server);
});
afterAll(async () => {
  for (const close of closers) close();
  await server?.close();
  await database?.dispose();
});

async function openStream(client: UserClient, proposalId: string): Promise<EventStream> {
  const stream = await openEventStream(server.url, client.cookie, proposalId);
  closers.push(() => stream.close());
  expect(stream.status).toBe(200);
  await waitFor(() => stream.events.length > 0, 5000, 'the stream started');
  return stream;
}

const auditReads = (statements: readonly string[]) => statements.filter((s) => /from audit_events/i.test(s) && /a\.id > /.test(s));

describe('SEC27 event streams', () => {
  it('SEC27 K streams on one proposal: one activity-producing change runs ONE audit query, and every stream gets the entry', async () => {
    const k = 6;
    const clients = [world.coordinator, world.editor, world.reviewer];
    const streams: EventStream[] = [];
    for (let i = 0; i < k; i++) streams.push(await openStream(clients[i % clients.length]!, world.proposal.id));
    counted = [];
    counting = true;
    let added: { status: number };
    try {
      added = await world.coordinator.post(`/api/proposals/${world.proposal.id}/partners`, { ...lulea, name: 'Piteå kommun', town: 'Piteå' });
      await waitFor(() => streams.every((s) => s.events.some((e) => e.type === 'activity' && e.event.action === 'partner.added')), 10_000, 'the activity entry on every stream');
    } finally {
      counting = false;
    }
    expect(added.status).toBe(201);
    expect(auditReads(counted)).toHaveLength(1);
    for (const s of streams) expect(s.events.filter((e) => e.type === 'activity' && e.event.action === 'partner.added')).toHaveLength(1);
    for (const s of streams) s.close();
  });

  it(`SEC27 one user keeps ${limits.maxEventStreamsPerUser} streams on an instance; opening one more ends the oldest with superseded`, async () => {
    const user = await signUp(server, { name: 'Many tabs' });
    const proposals = [await createProposal(user, { title: 'Tabs A' }), await createProposal(user, { title: 'Tabs B' })];
    const streams: EventStream[] = [];
    for (let i = 0; i < limits.maxEventStreamsPerUser; i++) streams.push(await openStream(user, proposals[i % 2]!.id));
    // At the limit: every stream is open and none was told to go.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(streams.map((s) => s.ended)).toEqual(streams.map(() => false));
    expect(streams.flatMap((s) => s.events.filter((e) => e.type === 'superseded'))).toEqual([]);
    // One past it: the oldest hears superseded and ends; the rest and the new one stay.
    const newest = await openStream(user, proposals[0]!.id);
    await waitFor(() => streams[0]!.ended, 5000, 'the oldest stream ended');
    expect(streams[0]!.events.at(-1)).toEqual({ type: 'superseded' });
    expect(streams.slice(1).map((s) => s.ended)).toEqual(streams.slice(1).map(() => false));
    expect(newest.ended).toBe(false);
    // Another user's streams do not count against this one.
    const other = await openStream(world.coordinator, world.proposal.id);
    expect(other.ended).toBe(false);
    expect(streams.slice(1).map((s) => s.ended)).toEqual(streams.slice(1).map(() => false));
  });
});
