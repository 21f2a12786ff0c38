import { closeCode } from '../../shared/protocol';
import type { Sql } from '../db/sql';
import { loadSocketRights } from '../db/socket-rights';
import { accessOf, roomAccess } from './admission';
import type { Connection } from './connection';

/** What the re-check did to one socket (logged, and counted by tests). */
export type RecheckOutcome = 'kept' | 'downgraded' | 'upgraded' | 'closed';

/**
 * The rights re-check: asks the policy again for every affected socket, with ONE
 * statement for all of them (sections and memberships of the distinct (user,
 * section) pairs), and tells each client at once. A socket that may no longer
 * write is closed with 4001 (its client reconnects read-only); one whose user
 * left the proposal, or whose section is gone, is closed with 4404; one that may
 * now write is upgraded in place.
 */
export async function recheckRights(db: Sql, conns: readonly Connection[]): Promise<Map<Connection, RecheckOutcome>> {
  const outcomes = new Map<Connection, RecheckOutcome>();
  const open = conns.filter((c) => !c.isClosed);
  if (open.length === 0) return outcomes;
  const rows = await loadSocketRights(db, open.map((c) => ({ userId: c.userId, sectionId: c.sectionId })));
  const byPair = new Map(rows.map((r) => [`${r.userId}/${r.sectionId}`, r]));
  for (const conn of open) {
    if (conn.isClosed) continue;
    const rights = byPair.get(`${conn.userId}/${conn.sectionId}`);
    const access = rights ? roomAccess(accessOf(rights)) : null;
    if (access === null) {
      conn.close(closeCode.notFound, rights ? 'not_member' : 'section_not_found');
      outcomes.set(conn, 'closed');
    } else if (access === conn.access) {
      outcomes.set(conn, 'kept');
    } else if (access === 'read-only') {
      conn.close(closeCode.rightsChanged, 'rights_changed');
      outcomes.set(conn, 'downgraded');
    } else {
      conn.upgrade();
      outcomes.set(conn, 'upgraded');
    }
  }
  return outcomes;
}
