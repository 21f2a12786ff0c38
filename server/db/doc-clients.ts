import * as Y from 'yjs';
import type { Sql } from './sql';

/**
 * Who did what in a section's doc, beyond the update log. The log records who
 * sent each update, but compaction deletes old rows, so two tables keep what
 * attribution needs: which user introduced each Yjs client id (doc_clients,
 * filled from the rows at diff time and from the rows a compaction deletes),
 * and each user's deletions from compacted rows (doc_deleters).
 */

/** Client id → user id pairs found in update rows (the first row naming a client wins). */
export function clientsOfRows(rows: readonly { update: Uint8Array; userId: string | null }[]): Map<number, string | null> {
  const out = new Map<number, string | null>();
  for (const row of rows) {
    let structs: ReturnType<typeof Y.decodeUpdate>['structs'];
    try {
      structs = Y.decodeUpdate(row.update).structs;
    } catch {
      continue;
    }
    for (const s of structs) if (s instanceof Y.Item && !out.has(s.id.client)) out.set(s.id.client, row.userId);
  }
  return out;
}

/** Records client ids (existing pairs are kept), in one statement per thousand. */
export async function recordDocClients(db: Sql, docId: string, clients: ReadonlyMap<number, string | null>): Promise<void> {
  const pairs = [...clients].filter((p): p is [number, string] => p[1] !== null);
  for (let start = 0; start < pairs.length; start += 1000) {
    const chunk = pairs.slice(start, start + 1000);
    const params: unknown[] = [docId];
    const values = chunk.map(([clientId, userId]) => {
      params.push(clientId, userId);
      return `($1::uuid, $${params.length - 1}::int8, $${params.length}::uuid)`;
    });
    await db.query(`insert into doc_clients (doc_id, client_id, user_id) values ${values.join(', ')} on conflict (doc_id, client_id) do nothing`, params);
  }
}

export async function listDocClients(db: Sql, docId: string): Promise<Map<number, string | null>> {
  const rows = await db.query<{ clientId: number; userId: string | null }>(
    `select client_id as "clientId", user_id as "userId" from doc_clients where doc_id = $1`,
    [docId],
  );
  return new Map(rows.map((r) => [Number(r.clientId), r.userId]));
}

/** Every update row still in the log, in seq order, with its sender. */
export async function listDocRows(db: Sql, docId: string): Promise<{ seq: number; update: Uint8Array; userId: string | null }[]> {
  return db.query<{ seq: number; update: Uint8Array; userId: string | null }>(
    `select seq, update, user_id as "userId" from doc_updates where doc_id = $1 order by seq`,
    [docId],
  );
}

/** A row's deletions alone: the update with every struct it carries cut away (only its delete set remains). */
function deletesOnly(update: Uint8Array): Uint8Array | null {
  try {
    const { ds } = Y.decodeUpdate(update);
    if (ds.clients.size === 0) return null;
    return Y.diffUpdate(update, Y.encodeStateVectorFromUpdate(update));
  } catch {
    return null;
  }
}

/** Each user's deletions in these rows, merged into one delete-set-only update. */
export function deletesOfRows(rows: readonly { update: Uint8Array; userId: string | null }[]): Map<string, Uint8Array> {
  const byUser = new Map<string, Uint8Array[]>();
  for (const row of rows) {
    if (row.userId === null) continue;
    const deletes = deletesOnly(row.update);
    if (!deletes) continue;
    const list = byUser.get(row.userId) ?? [];
    list.push(deletes);
    byUser.set(row.userId, list);
  }
  return new Map([...byUser].map(([userId, list]) => [userId, list.length === 1 ? list[0]! : Y.mergeUpdates(list)]));
}

/** Adds deletions to each user's record (merged with what is stored). Runs inside the compaction's transaction. */
export async function recordDocDeleters(db: Sql, docId: string, deletes: ReadonlyMap<string, Uint8Array>): Promise<void> {
  if (deletes.size === 0) return;
  // Two statements whatever the number of users: a compaction's transaction holds every commit back.
  const stored = await db.query<{ userId: string; deletes: Uint8Array }>(`select user_id as "userId", deletes from doc_deleters where doc_id = $1`, [docId]);
  const prev = new Map(stored.map((r) => [r.userId, r.deletes]));
  const params: unknown[] = [docId];
  const values = [...deletes].map(([userId, update]) => {
    const before = prev.get(userId);
    params.push(userId, before ? Y.mergeUpdates([before, update]) : update);
    return `($1::uuid, $${params.length - 1}::uuid, $${params.length}::bytea)`;
  });
  await db.query(
    `insert into doc_deleters (doc_id, user_id, deletes) values ${values.join(', ')}
     on conflict (doc_id, user_id) do update set deletes = excluded.deletes`,
    params,
  );
}

/** Each user's deletions that compaction removed from the log. */
export async function listDocDeleters(db: Sql, docId: string): Promise<{ userId: string; ds: ReturnType<typeof Y.decodeUpdate>['ds'] }[]> {
  const rows = await db.query<{ userId: string; deletes: Uint8Array }>(`select user_id as "userId", deletes from doc_deleters where doc_id = $1`, [docId]);
  return rows.map((r) => ({ userId: r.userId, ds: Y.decodeUpdate(r.deletes).ds }));
}
