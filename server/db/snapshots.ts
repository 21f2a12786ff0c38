import { randomUUID } from 'node:crypto';
import { snapshotLabelSchema, type RestorableSnapshotLabel, type SnapshotLabel } from '../../shared/schemas/history';
import type { Sql } from './sql';

/** `before_restore`: the live text a restore replaced; its `name` is the restored snapshot's name (data, shown translated). */
export type SnapshotKind = 'manual' | 'approval' | 'submission' | 'meeting' | 'before_restore';

export interface SnapshotRow {
  id: string;
  proposalId: string;
  /** The stored text: a manual snapshot's name, or an automatic one's data (see nameOf). */
  name: string;
  /** The name people read, in their language (TPL4). */
  label: SnapshotLabel;
  kind: SnapshotKind;
  /** Null for a whole-proposal snapshot. */
  sectionId: string | null;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
  /** Sections the snapshot holds. */
  sections: number;
}

export interface NewSnapshot {
  proposalId: string;
  /** Its name as a kind with parameters; the stored `name` column is derived from it. */
  label: SnapshotLabel;
  kind: SnapshotKind;
  sectionId: string | null;
  createdBy: string | null;
  states: readonly { sectionId: string; state: Uint8Array; chars: number }[];
}

/**
 * The text stored in the `name` column for a label: a manual snapshot's name as
 * typed; for an automatic one its data (the section's number and title, the
 * proposal's title, the meeting's name), never an English sentence.
 */
export function nameOf(label: SnapshotLabel): string {
  switch (label.kind) {
    case 'manual':
      return label.params.name;
    case 'approval':
      return `${label.params.number} ${label.params.title}`.slice(0, 200);
    case 'submission':
      return label.params.title.slice(0, 200);
    case 'meeting_start':
    case 'meeting_end':
      return label.params.meeting.slice(0, 200);
    case 'before_repair':
      return '';
    case 'before_restore':
      return nameOf(label.restored);
    default: {
      const never: never = label;
      return String(never);
    }
  }
}

/** The snapshot a restore of `label`'s snapshot names in its backup: a backup's own restored one (backups do not nest). */
export function restoredLabel(label: SnapshotLabel): RestorableSnapshotLabel {
  return label.kind === 'before_restore' ? label.restored : label;
}

const prefixed = (name: string, prefix: string): string | null => (name.startsWith(prefix) ? name.slice(prefix.length) : null);

/** What a name the server wrote in English before labels (migration 0015) stands for, without its kind. */
function legacyRestorable(name: string, kind: SnapshotKind | null): RestorableSnapshotLabel {
  const approved = kind === null || kind === 'approval' ? /^Approved: (\S+) ([\s\S]*)$/.exec(name) : null;
  if (approved) return { kind: 'approval', params: { number: approved[1] ?? '', title: approved[2] ?? '' } };
  const submitted = kind === null || kind === 'submission' ? prefixed(name, 'Submitted: ') : null;
  if (submitted !== null) return { kind: 'submission', params: { title: submitted } };
  const started = kind === null || kind === 'meeting' ? prefixed(name, 'Meeting start: ') : null;
  if (started !== null) return { kind: 'meeting_start', params: { meeting: started } };
  const ended = kind === null || kind === 'meeting' ? prefixed(name, 'Meeting end: ') : null;
  if (ended !== null) return { kind: 'meeting_end', params: { meeting: ended } };
  if (name === 'Before repair' && (kind === null || kind === 'manual')) return { kind: 'before_repair', params: {} };
  return { kind: 'manual', params: { name } };
}

/**
 * The label of a snapshot stored before labels existed (TPL4): the server named
 * automatic ones in English ("Approved: 1.1 Title", "Submitted: <title>",
 * "Meeting start: <name>", "Meeting end: <name>", "Before repair"); a restore
 * backup's name was the restored snapshot's. Anything else is a taker's name.
 */
export function legacySnapshotLabel(kind: SnapshotKind, name: string): SnapshotLabel {
  if (kind === 'before_restore') return { kind: 'before_restore', params: {}, restored: legacyRestorable(name, null) };
  return legacyRestorable(name, kind);
}

type StoredSnapshotRow = Omit<SnapshotRow, 'label'> & { label: unknown };

function withLabel(row: StoredSnapshotRow): SnapshotRow {
  const parsed = row.label === null ? null : snapshotLabelSchema.safeParse(row.label);
  return { ...row, label: parsed?.success ? parsed.data : legacySnapshotLabel(row.kind, row.name) };
}

/** Writes a snapshot and its section states; call inside the command's transaction. */
export async function insertSnapshot(db: Sql, s: NewSnapshot): Promise<string> {
  const id = randomUUID();
  await db.query(`insert into snapshots (id, proposal_id, name, label, kind, section_id, created_by) values ($1, $2, $3, $4::jsonb, $5, $6, $7)`, [
    id,
    s.proposalId,
    nameOf(s.label),
    JSON.stringify(s.label),
    s.kind,
    s.sectionId,
    s.createdBy,
  ]);
  for (const st of s.states) {
    await db.query(`insert into snapshot_sections (snapshot_id, section_id, state, chars) values ($1, $2, $3::bytea, $4)`, [id, st.sectionId, st.state, st.chars]);
  }
  return id;
}

const columns = `s.id, s.proposal_id as "proposalId", s.name, s.label, s.kind, s.section_id as "sectionId", s.created_by as "createdBy",
  u.name as "createdByName", s.created_at as "createdAt",
  (select count(*)::int8 from snapshot_sections ss where ss.snapshot_id = s.id) as sections`;

export async function listSnapshots(db: Sql, proposalId: string): Promise<SnapshotRow[]> {
  const rows = await db.query<StoredSnapshotRow & Record<string, unknown>>(
    `select ${columns} from snapshots s left join users u on u.id = s.created_by where s.proposal_id = $1 order by s.created_at desc, s.id`,
    [proposalId],
  );
  return rows.map(withLabel);
}

export async function findSnapshot(db: Sql, id: string): Promise<SnapshotRow | null> {
  const [row] = await db.query<StoredSnapshotRow & Record<string, unknown>>(`select ${columns} from snapshots s left join users u on u.id = s.created_by where s.id = $1`, [id]);
  return row ? withLabel(row) : null;
}

/** The stored Yjs state of one section in a snapshot. */
export async function snapshotSectionState(db: Sql, snapshotId: string, sectionId: string): Promise<{ state: Uint8Array; chars: number } | null> {
  const [row] = await db.query<{ state: Uint8Array; chars: number }>(
    `select state, chars from snapshot_sections where snapshot_id = $1 and section_id = $2`,
    [snapshotId, sectionId],
  );
  return row ?? null;
}

/** Replaces a section's stored state in a snapshot its own command has just taken (the restore makes its first copy exact). */
export async function replaceSnapshotSectionState(db: Sql, snapshotId: string, sectionId: string, state: Uint8Array, chars: number): Promise<void> {
  await db.query(`update snapshot_sections set state = $3::bytea, chars = $4 where snapshot_id = $1 and section_id = $2`, [snapshotId, sectionId, state, chars]);
}

/** A proposal's manual snapshots: how many, and the stored bytes of their section states. */
export interface SnapshotUsage {
  count: number;
  bytes: number;
}

/**
 * The proposal's manual snapshot usage. With `lock` (inside a transaction) the
 * proposal row is locked first, so two snapshots taken at once count one after
 * the other and never pass the limits together.
 */
export async function manualSnapshotUsage(db: Sql, proposalId: string, opts: { lock?: boolean } = {}): Promise<SnapshotUsage> {
  if (opts.lock) await db.query(`select id from proposals where id = $1 for no key update`, [proposalId]);
  const [row] = await db.query<{ count: number; bytes: number }>(
    `select count(distinct s.id)::int8 as count, coalesce(sum(octet_length(ss.state)), 0)::int8 as bytes
       from snapshots s left join snapshot_sections ss on ss.snapshot_id = s.id
      where s.proposal_id = $1 and s.kind = 'manual'`,
    [proposalId],
  );
  return { count: Number(row?.count ?? 0), bytes: Number(row?.bytes ?? 0) };
}

/** Deletes a section's restore backups (kind `before_restore`) past the newest `keep`; returns how many went. */
export async function pruneRestoreBackups(db: Sql, sectionId: string, keep: number): Promise<number> {
  const gone = await db.query<{ id: string }>(
    `delete from snapshots where id in (
       select id from snapshots where section_id = $1 and kind = 'before_restore'
        order by created_at desc, id desc offset $2)
     returning id`,
    [sectionId, keep],
  );
  return gone.length;
}

/** Deletes one snapshot (its section states go with it, on delete cascade). */
export async function deleteSnapshotRow(db: Sql, snapshotId: string): Promise<void> {
  await db.query(`delete from snapshots where id = $1`, [snapshotId]);
}
