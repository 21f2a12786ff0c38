-- History and meetings: who each Yjs client id belongs to (for attributed
-- diffs after compaction deletes the update rows), and workshop meetings.

-- A Yjs client id of a section's doc and the user whose updates introduced it.
create table doc_clients (
  doc_id uuid not null,
  client_id bigint not null,
  user_id uuid references users(id) on delete set null,
  primary key (doc_id, client_id)
);

-- A workshop meeting: a snapshot at the start and one at the end; the projector follows the focus.
create table meetings (
  id uuid primary key default gen_random_uuid(),
  proposal_id uuid not null references proposals(id) on delete cascade,
  name text not null,
  city text not null,
  date date not null,
  facilitator_id uuid references users(id) on delete set null,
  start_snapshot_id uuid not null references snapshots(id) on delete cascade,
  end_snapshot_id uuid references snapshots(id) on delete set null,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  focus_section_id uuid references sections(id) on delete set null,
  focus_scroll double precision not null default 0
);
create index meetings_proposal_idx on meetings(proposal_id, started_at);
-- At most one open meeting per proposal.
create unique index meetings_open_idx on meetings(proposal_id) where ended_at is null;
