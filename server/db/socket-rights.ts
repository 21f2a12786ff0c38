import type { Role, SectionStatus } from '../../shared/schemas/common';
import type { Sql } from './sql';

/** One (user, section) pair a collab socket stands for. */
export interface SocketPair {
  userId: string;
  sectionId: string;
}

/**
 * What the policy needs to decide a socket's access, and what its awareness
 * stamp shows: the section, and the user's membership (null for a non-member)
 * with the partner it belongs to.
 */
export interface SocketRights {
  userId: string;
  sectionId: string;
  proposalId: string;
  ownerPartnerId: string;
  status: SectionStatus;
  membership: { role: Role; partnerId: string } | null;
  partner: { id: string; name: string; country: string | null } | null;
}

interface Row extends Record<string, unknown> {
  userId: string;
  sectionId: string;
  proposalId: string;
  ownerPartnerId: string;
  status: SectionStatus;
  role: Role | null;
  partnerId: string | null;
  partnerName: string | null;
  country: string | null;
}

/**
 * The sections and memberships of every pair, in ONE statement however many
 * pairs (the upgrade asks for one; a rights re-check for all affected sockets).
 * A pair whose section does not exist has no row. The pairs travel as one JSON
 * parameter, which both backends take the same way.
 */
export async function loadSocketRights(db: Sql, pairs: readonly SocketPair[]): Promise<SocketRights[]> {
  if (pairs.length === 0) return [];
  const unique = new Map(pairs.map((p) => [`${p.userId}/${p.sectionId}`, { u: p.userId, s: p.sectionId }]));
  const rows = await db.query<Row>(
    `select p.u::text as "userId", s.id::text as "sectionId", s.proposal_id::text as "proposalId",
            s.owner_partner_id::text as "ownerPartnerId", s.status,
            m.role, m.partner_id::text as "partnerId", pa.name as "partnerName", pa.country
       from jsonb_to_recordset($1::jsonb) as p(u uuid, s uuid)
       join sections s on s.id = p.s
       left join members m on m.proposal_id = s.proposal_id and m.user_id = p.u
       left join partners pa on pa.id = m.partner_id`,
    [JSON.stringify([...unique.values()])],
  );
  return rows.map((r) => ({
    userId: r.userId,
    sectionId: r.sectionId,
    proposalId: r.proposalId,
    ownerPartnerId: r.ownerPartnerId,
    status: r.status,
    membership: r.role !== null && r.partnerId !== null ? { role: r.role, partnerId: r.partnerId } : null,
    partner: r.partnerId !== null && r.partnerName !== null ? { id: r.partnerId, name: r.partnerName, country: r.country } : null,
  }));
}
