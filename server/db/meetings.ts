import type { Sql } from './sql';

export interface MeetingRow {
  id: string;
  proposalId: string;
  name: string;
  city: string;
  date: string;
  facilitatorId: string | null;
  facilitatorName: string | null;
  startSnapshotId: string;
  endSnapshotId: string | null;
  startedAt: Date;
  endedAt: Date | null;
  focusSectionId: string | null;
  focusScroll: number;
}

const columns = `m.id, m.proposal_id as "proposalId", m.name, m.city, to_char(m.date, 'YYYY-MM-DD') as date,
  m.facilitator_id as "facilitatorId", u.name as "facilitatorName", m.start_snapshot_id as "startSnapshotId",
  m.end_snapshot_id as "endSnapshotId", m.started_at as "startedAt", m.ended_at as "endedAt",
  m.focus_section_id as "focusSectionId", m.focus_scroll as "focusScroll"`;

export async function insertMeeting(
  db: Sql,
  m: { proposalId: string; name: string; city: string; date: string; facilitatorId: string; startSnapshotId: string },
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `insert into meetings (proposal_id, name, city, date, facilitator_id, start_snapshot_id) values ($1, $2, $3, $4::date, $5, $6) returning id`,
    [m.proposalId, m.name, m.city, m.date, m.facilitatorId, m.startSnapshotId],
  );
  return row!.id;
}

export async function findMeeting(db: Sql, id: string, lock = false): Promise<MeetingRow | null> {
  const [row] = await db.query<MeetingRow & Record<string, unknown>>(
    `select ${columns} from meetings m left join users u on u.id = m.facilitator_id where m.id = $1${lock ? ' for update of m' : ''}`,
    [id],
  );
  return row ? { ...row, focusScroll: Number(row.focusScroll) } : null;
}

export async function openMeetingOf(db: Sql, proposalId: string): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(`select id from meetings where proposal_id = $1 and ended_at is null`, [proposalId]);
  return row?.id ?? null;
}

/** Every meeting of the proposal: the open one first, then the latest first. */
export async function listMeetings(db: Sql, proposalId: string): Promise<MeetingRow[]> {
  const rows = await db.query<MeetingRow & Record<string, unknown>>(
    `select ${columns} from meetings m left join users u on u.id = m.facilitator_id where m.proposal_id = $1
     order by (m.ended_at is null) desc, m.started_at desc, m.id`,
    [proposalId],
  );
  return rows.map((r) => ({ ...r, focusScroll: Number(r.focusScroll) }));
}

export async function endMeeting(db: Sql, id: string, endSnapshotId: string): Promise<void> {
  await db.query(`update meetings set ended_at = now(), end_snapshot_id = $2 where id = $1`, [id, endSnapshotId]);
}

export async function setMeetingFocus(db: Sql, id: string, sectionId: string | null, scroll: number): Promise<void> {
  await db.query(`update meetings set focus_section_id = $2, focus_scroll = $3 where id = $1`, [id, sectionId, scroll]);
}
