import * as Y from 'yjs';
import type { Sql } from './sql';

/**
 * Which user introduced each Yjs client id of a section's doc. The update log
 * records who sent each update, but compaction deletes old rows: this table
 * keeps the mapping durably (filled from the rows at diff time and from the
 * rows a compaction deletes).
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

/** Records client ids (existing pairs are kept). */
export async function recordDocClients(db: Sql, docId: string, clients: ReadonlyMap<number, string | null>): Promise<void> {
  for (const [clientId, userId] of clients) {
    if (userId === null) continue;
    await db.query(`insert into doc_clients (doc_id, client_id, user_id) values ($1, $2, $3) on conflict (doc_id, client_id) do nothing`, [
      docId,
      clientId,
      userId,
    ]);
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
