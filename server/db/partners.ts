import type { Role } from '../../shared/schemas/common';
import type { Sql } from './sql';

export interface PartnerRow {
  id: string;
  proposalId: string;
  name: string;
  town: string;
  country: string;
  kind: string;
  isLead: boolean;
  createdAt: Date;
}

const columns = `id, proposal_id as "proposalId", name, town, country, kind, is_lead as "isLead", created_at as "createdAt"`;

export async function insertPartner(
  db: Sql,
  p: { proposalId: string; name: string; town: string; country: string; kind: string; isLead: boolean },
): Promise<PartnerRow> {
  const [row] = await db.query<PartnerRow & Record<string, unknown>>(
    `insert into partners (proposal_id, name, town, country, kind, is_lead) values ($1, $2, $3, $4, $5, $6) returning ${columns}`,
    [p.proposalId, p.name, p.town, p.country, p.kind, p.isLead],
  );
  if (!row) throw new Error('insert partner returned nothing');
  return row;
}

export async function findPartnerById(db: Sql, id: string): Promise<PartnerRow | null> {
  const [row] = await db.query<PartnerRow & Record<string, unknown>>(`select ${columns} from partners where id = $1`, [id]);
  return row ?? null;
}

/** Locks the partner row for the rest of the transaction. */
export async function lockPartner(db: Sql, id: string): Promise<PartnerRow | null> {
  const [row] = await db.query<PartnerRow & Record<string, unknown>>(`select ${columns} from partners where id = $1 for update`, [id]);
  return row ?? null;
}

/**
 * Reads the partner and holds a key-share lock until commit, so a concurrent
 * removal waits (and then sees the new reference) instead of breaking a foreign key.
 */
export async function findPartnerForReference(db: Sql, id: string): Promise<PartnerRow | null> {
  const [row] = await db.query<PartnerRow & Record<string, unknown>>(`select ${columns} from partners where id = $1 for key share`, [id]);
  return row ?? null;
}

export async function listPartners(db: Sql, proposalId: string): Promise<PartnerRow[]> {
  return db.query<PartnerRow & Record<string, unknown>>(
    `select ${columns} from partners where proposal_id = $1 order by is_lead desc, created_at, id`,
    [proposalId],
  );
}

export async function updatePartner(
  db: Sql,
  id: string,
  p: { name: string; town: string; country: string; kind: string },
): Promise<PartnerRow> {
  const [row] = await db.query<PartnerRow & Record<string, unknown>>(
    `update partners set name = $2, town = $3, country = $4, kind = $5 where id = $1 returning ${columns}`,
    [id, p.name, p.town, p.country, p.kind],
  );
  if (!row) throw new Error('update partner returned nothing');
  return row;
}

export async function deletePartner(db: Sql, id: string): Promise<void> {
  await db.query('delete from partners where id = $1', [id]);
}

/** How many sections and members still refer to the partner. */
export async function partnerUsage(db: Sql, id: string): Promise<{ sections: number; members: number }> {
  const [row] = await db.query<{ sections: number; members: number }>(
    `select (select count(*)::int from sections where owner_partner_id = $1) as sections,
            (select count(*)::int from members where partner_id = $1) as members`,
    [id],
  );
  return row ?? { sections: 0, members: 0 };
}

/** Gives every section `from` owns to `to`; returns the moved sections' ids, in id order. */
export async function reassignPartnerSections(db: Sql, from: string, to: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`update sections set owner_partner_id = $2, updated_at = now() where owner_partner_id = $1 returning id`, [from, to]);
  return rows.map((r) => r.id).sort();
}

/** Moves every member of `from` to `to`; returns the moved users' ids, in id order. */
export async function movePartnerMembers(db: Sql, from: string, to: string): Promise<string[]> {
  const rows = await db.query<{ userId: string }>(`update members set partner_id = $2 where partner_id = $1 returning user_id as "userId"`, [from, to]);
  return rows.map((r) => r.userId).sort();
}

/** Removes every member of the partner; returns who left, in user id order. */
export async function removePartnerMembers(db: Sql, partnerId: string): Promise<{ userId: string; role: Role; name: string }[]> {
  const rows = await db.query<{ userId: string; role: Role; name: string }>(
    `with gone as (delete from members where partner_id = $1 returning user_id, role)
     select g.user_id as "userId", g.role, u.name from gone g join users u on u.id = g.user_id`,
    [partnerId],
  );
  return rows.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}
