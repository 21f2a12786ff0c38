import type { Verdict, VerdictRow } from '../../shared/schemas/verdicts';
import { limits } from '../../shared/limits';
import type { Sql } from './sql';

/**
 * Section verdicts (`section_verdicts`): one current verdict per (section, user).
 * Only members' verdicts are read (a removed member's verdict no longer counts),
 * each with the giver's name and partner as they are now.
 */

interface Stored {
  sectionId: string;
  userId: string;
  name: string;
  partnerId: string;
  verdict: Verdict;
  note: string | null;
  at: Date;
  stale: boolean;
}

const columns = `v.section_id as "sectionId", v.user_id as "userId", u.name, m.partner_id as "partnerId", v.verdict, v.note,
  v.updated_at as "at", (v.stale_at is not null) as stale`;

const toRow = (r: Stored): VerdictRow => ({
  userId: r.userId,
  name: r.name,
  partnerId: r.partnerId,
  verdict: r.verdict,
  note: r.note,
  at: r.at.toISOString(),
  stale: r.stale,
});

/** Verdicts with their givers (still members), current first, then by time. */
function selectVerdicts(db: Sql, where: 's.proposal_id = $1' | 'v.section_id = $1', id: string) {
  return db.query<Stored & Record<string, unknown>>(
    `select ${columns}
     from section_verdicts v
     join sections s on s.id = v.section_id
     join members m on m.proposal_id = s.proposal_id and m.user_id = v.user_id
     join users u on u.id = v.user_id
     where ${where}
     order by v.section_id, (v.stale_at is not null), v.updated_at, v.user_id`,
    [id],
  );
}

/** Every section's verdicts in a proposal (current first, then by time), by section id. */
export async function verdictsByProposal(db: Sql, proposalId: string): Promise<Map<string, VerdictRow[]>> {
  const out = new Map<string, VerdictRow[]>();
  for (const r of await selectVerdicts(db, 's.proposal_id = $1', proposalId)) {
    const list = out.get(r.sectionId);
    if (list) list.push(toRow(r));
    else out.set(r.sectionId, [toRow(r)]);
  }
  return out;
}

/** One section's verdicts (as in `verdictsByProposal`). */
export async function verdictsBySection(db: Sql, sectionId: string): Promise<VerdictRow[]> {
  return (await selectVerdicts(db, 'v.section_id = $1', sectionId)).map(toRow);
}

export interface NewVerdict {
  sectionId: string;
  userId: string;
  verdict: Verdict;
  note: string | null;
  /** The section's characters at the verdict (VRD5's basis). */
  basisChars: number;
}

/**
 * Gives or replaces the user's verdict; its basis is the section's edit counter now.
 * Returns the verdict it replaced (null for a first one).
 */
export async function upsertVerdict(tx: Sql, v: NewVerdict): Promise<{ previous: Verdict | null }> {
  const [before] = await tx.query<{ verdict: Verdict; stale: boolean }>(
    `select verdict, (stale_at is not null) as stale from section_verdicts where section_id = $1 and user_id = $2 for update`,
    [v.sectionId, v.userId],
  );
  await tx.query(
    `insert into section_verdicts (section_id, user_id, verdict, note, basis_chars, basis_edit_units)
     values ($1, $2, $3, $4, $5, (select edit_units from sections where id = $1))
     on conflict (section_id, user_id) do update set verdict = excluded.verdict, note = excluded.note,
       updated_at = now(), basis_chars = excluded.basis_chars, basis_edit_units = excluded.basis_edit_units, stale_at = null`,
    [v.sectionId, v.userId, v.verdict, v.note, v.basisChars],
  );
  return { previous: before && !before.stale ? before.verdict : null };
}

/** Withdraws the user's verdict; returns what it was, or null when there was none. */
export async function deleteVerdict(tx: Sql, sectionId: string, userId: string): Promise<Verdict | null> {
  const [row] = await tx.query<{ verdict: Verdict }>(`delete from section_verdicts where section_id = $1 and user_id = $2 returning verdict`, [
    sectionId,
    userId,
  ]);
  return row?.verdict ?? null;
}

/**
 * Adds `units` to the section's edit counter and marks stale every current verdict the
 * counter has now moved past its threshold (VRD5), in one statement. Returns the
 * section's proposal and how many verdicts went stale (null for an unknown section).
 */
export async function addEditUnits(db: Sql, sectionId: string, units: number): Promise<{ proposalId: string; staled: number } | null> {
  const [row] = await db.query<{ proposalId: string; staled: number }>(
    `with s as (
       update sections set edit_units = edit_units + $2 where id = $1 returning id, proposal_id, edit_units
     ), staled as (
       update section_verdicts v set stale_at = now() from s
       where v.section_id = s.id and v.stale_at is null
         and s.edit_units - v.basis_edit_units > greatest($3::bigint, (v.basis_chars::bigint * $4) / 100)
       returning v.user_id
     )
     select s.proposal_id as "proposalId", (select count(*)::int8 from staled) as staled from s`,
    [sectionId, units, limits.verdictResetMinUnits, limits.verdictResetPercent],
  );
  return row ?? null;
}
