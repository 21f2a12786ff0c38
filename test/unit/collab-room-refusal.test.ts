import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closeCode } from '../../shared/protocol';
import { Connection } from '../../server/collab/connection';
import { GroupCommitter } from '../../server/collab/persistence';
import { SectionLocked } from '../../server/collab/room-types';
import { RoomRegistry } from '../../server/collab/rooms';
import { loadStoredDoc } from '../../server/db/doc-updates';
import { AppError } from '../../server/errors';
import { openTestDatabase, type TestDatabase } from '../helpers/db';
import { updateFrame, waitFor } from '../helpers/yclient';

/**
 * WSH7: a room whose commit the log refuses (the section was locked meanwhile)
 * holds content that is not stored; it drops itself, closing every socket with
 * 4001, and the next join loads exactly what is stored. Real committer, real
 * database (PGlite, or Postgres with DATABASE_URL).
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t.dispose();
});

async function newSection(): Promise<{ sectionId: string; userId: string }> {
  const [p] = await t.db.query<{ id: string }>(`insert into proposals (title, template_id) values ('P', 'cerv-network-of-towns') returning id`);
  const [pa] = await t.db.query<{ id: string }>(`insert into partners (proposal_id, name, town, country, is_lead) values ($1, 'Bologna', 'Bologna', 'IT', true) returning id`, [p!.id]);
  const [s] = await t.db.query<{ id: string }>(
    `insert into sections (proposal_id, key, position, number, title, criterion, min_chars, max_chars, owner_partner_id, status)
     values ($1, 'k', 1, '1', 'Relevance', 'relevance', 100, 5000, $2, 'in_review') returning id`,
    [p!.id, pa!.id],
  );
  const [u] = await t.db.query<{ id: string }>(`insert into users (email, name, password_hash, color) values ($1, 'U', 'x', '#000') returning id`, [`u${Math.random()}@example.org`]);
  return { sectionId: s!.id, userId: u!.id };
}

/** A connection recording its closes. */
async function join(registry: RoomRegistry, sectionId: string, userId: string, access: 'read-write' | 'read-only') {
  const closes: { code: number; reason: string }[] = [];
  const stamp = { id: userId, name: 'U', color: '#000', partnerId: null, partnerName: null, country: null };
  const conn = new Connection(
    { send: () => {}, close: (code, reason) => closes.push({ code, reason }) },
    { userId, sessionId: `s${Math.random()}`, proposalId: 'p', sectionId, stamp, access },
    registry.room(sectionId),
  );
  registry.track(conn);
  await conn.open();
  return { conn, closes };
}

describe('a refused commit', () => {
  it('WSH7: drops the room: every socket is closed with 4001, a server edit waiting on the commit fails with a conflict, and a rejoin loads exactly what is stored', async () => {
    const { sectionId, userId } = await newSection();
    const committer = new GroupCommitter(t.db);
    const registry = new RoomRegistry(committer, () => {}, () => {});
    try {
      const writer = await join(registry, sectionId, userId, 'read-write');
      const other = await join(registry, sectionId, userId, 'read-write');
      const watcher = await join(registry, sectionId, userId, 'read-only');
      const room = registry.peek(sectionId)!;
      const client = new Y.Doc();
      const sent: Uint8Array[] = [];
      client.on('update', (u: Uint8Array) => sent.push(u));
      client.getText('t').insert(0, 'stored. ');
      writer.conn.receive(updateFrame(sent.shift()!));
      await room.settle();

      // The approval commits: from now on the log refuses this section.
      await t.db.query(`update sections set status = 'approved' where id = $1`, [sectionId]);
      client.getText('t').insert(client.getText('t').length, 'typed as it locked');
      writer.conn.receive(updateFrame(sent.shift()!));
      expect(room.doc.getText('t').toString()).toBe('stored. typed as it locked'); // applied, not yet committed
      const restore = room.editAsServer(userId, (doc) => doc.getText('t').insert(0, 'restored '));
      const refusal = await restore.then(() => null, (err: unknown) => err);
      expect(refusal).toBeInstanceOf(SectionLocked);
      expect(refusal instanceof AppError && refusal.kind).toBe('conflict');

      await waitFor(() => [writer, other, watcher].every((c) => c.closes.length > 0), 5000, 'every socket closed');
      for (const c of [writer, other, watcher]) expect(c.closes.map((e) => e.code)).toEqual([closeCode.rightsChanged]);
      expect(room.stateKind).toBe('unloaded');
      for (const c of [writer, other, watcher]) registry.untrack(c.conn);

      // The next join loads exactly what is stored: what was committed before the lock.
      const again = await join(registry, sectionId, userId, 'read-only');
      const reloaded = registry.peek(sectionId)!;
      expect(reloaded).not.toBe(room);
      const stored = await loadStoredDoc(t.db, sectionId);
      expect(reloaded.doc.getText('t').toString()).toBe('stored. ');
      expect(Y.encodeStateVector(reloaded.doc)).toEqual(Y.encodeStateVector(stored));
      expect(again.closes).toEqual([]);
      stored.destroy();
      client.destroy();
    } finally {
      await registry.shutdown(closeCode.goingAway, 'going_away');
    }
  });
});
