import * as Y from 'yjs';
import type { Sql } from './sql';

/**
 * Who did what in a section's doc, beyond the update log. The log records who
 * sent each update, but compaction deletes old rows, so two tables keep what
 * attribution needs: which user introduced each Yjs client id (doc_clients,
 * filled from the rows at diff time and from the rows a compaction deletes),
 * and each user's deletions from compacted rows (doc_deleters).
 */

type LogRow = { update: Uint8Array; userId: string | null };

/** What rows say about who did what: who introduced each Yjs client id, and each user's deletions (delete-set-only updates). */
export interface Attribution {
  clients: Map<number, string | null>;
  deletes: Map<string, Uint8Array[]>;
}

export function emptyAttribution(): Attribution {
  return { clients: new Map(), deletes: new Map() };
}

/** Adds what `rows` say to `into` (the first row naming a client wins), decoding each row once. */
export function attributeRows(into: Attribution, rows: readonly LogRow[], withDeletes = true): Attribution {
  for (const row of rows) {
    let decoded: ReturnType<typeof Y.decodeUpdate>;
    try {
      decoded = Y.decodeUpdate(row.update);
    } catch {
      continue;
    }
    for (const s of decoded.structs) if (s instanceof Y.Item && !into.clients.has(s.id.client)) into.clients.set(s.id.client, row.userId);
    if (!withDeletes || row.userId === null || decoded.ds.clients.size === 0) continue;
    let deletes: Uint8Array;
    try {
      // The row's deletions alone: the update with every struct it carries cut away.
      deletes = Y.diffUpdate(row.update, Y.encodeStateVectorFromUpdate(row.update));
    } catch {
      continue;
    }
    const list = into.deletes.get(row.userId);
    if (list) list.push(deletes);
    else into.deletes.set(row.userId, [deletes]);
  }
  return into;
}

/** Client id → user id pairs found in update rows (the first row naming a client wins). */
export function clientsOfRows(rows: readonly LogRow[]): Map<number, string | null> {
  return attributeRows(emptyAttribution(), rows, false).clients;
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

/** Adds deletions to each user's record (merged with what is stored). Runs inside the compaction's transaction. */
export async function recordDocDeleters(db: Sql, docId: string, deletes: ReadonlyMap<string, readonly Uint8Array[]>): Promise<void> {
  if (deletes.size === 0) return;
  // Two statements whatever the number of users: a compaction's transaction holds every commit back.
  const stored = await db.query<{ userId: string; deletes: Uint8Array }>(`select user_id as "userId", deletes from doc_deleters where doc_id = $1`, [docId]);
  const prev = new Map(stored.map((r) => [r.userId, r.deletes]));
  const params: unknown[] = [docId];
  const values = [...deletes].map(([userId, updates]) => {
    const before = prev.get(userId);
    const all = before ? [before, ...updates] : [...updates];
    params.push(userId, all.length === 1 ? all[0]! : Y.mergeUpdates(all));
    return `($1::uuid, $${params.length - 1}::uuid, $${params.length}::bytea)`;
  });
  await db.query(
    `insert into doc_deleters (doc_id, user_id, deletes) values ${values.join(', ')}
     on conflict (doc_id, user_id) do update set deletes = excluded.deletes`,
    params,
  );
}

/** Each user's deletions that compaction removed from the log, as stored (delete-set-only updates; the diff decodes them on the work pool). */
export async function listDocDeleterUpdates(db: Sql, docId: string): Promise<{ userId: string; deletes: Uint8Array }[]> {
  return db.query<{ userId: string; deletes: Uint8Array }>(`select user_id as "userId", deletes from doc_deleters where doc_id = $1`, [docId]);
}

/** Each user's deletions that compaction removed from the log. */
export async function listDocDeleters(db: Sql, docId: string): Promise<{ userId: string; ds: ReturnType<typeof Y.decodeUpdate>['ds'] }[]> {
  return (await listDocDeleterUpdates(db, docId)).map((r) => ({ userId: r.userId, ds: Y.decodeUpdate(r.deletes).ds }));
}
