-- The review loop: comment threads, named snapshots, and stored text statistics.

-- A thread is its root comment (thread_id = id, parent_id null) plus replies
-- (thread_id = root id). Only the root carries the anchor and the status.
-- The anchor is two Yjs relative positions (base64) into the section's
-- `default` fragment; the quote keeps the anchored text for detached threads.
create table comments (
  id uuid primary key default gen_random_uuid(),
  thread_id uuid not null,
  parent_id uuid references comments(id) on delete cascade,
  section_id uuid not null references sections(id) on delete cascade,
  proposal_id uuid not null references proposals(id) on delete cascade,
  author_id uuid references users(id) on delete set null,
  body text not null,
  mentions jsonb not null default '[]',
  anchor_start text,
  anchor_end text,
  quote text,
  status text check (status in ('open', 'resolved')),
  resolved_by uuid references users(id) on delete set null,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  check ((parent_id is null) = (status is not null))
);
create index comments_section_idx on comments(section_id, thread_id, created_at);
create index comments_proposal_open_idx on comments(proposal_id) where parent_id is null and status = 'open';

-- A named, immutable state of one section (section_id set) or of the whole proposal.
create table snapshots (
  id uuid primary key default gen_random_uuid(),
  proposal_id uuid not null references proposals(id) on delete cascade,
  name text not null,
  kind text not null check (kind in ('manual', 'approval', 'submission', 'meeting')),
  section_id uuid references sections(id) on delete cascade,
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now()
);
create index snapshots_proposal_idx on snapshots(proposal_id, created_at);

create table snapshot_sections (
  snapshot_id uuid not null references snapshots(id) on delete cascade,
  section_id uuid not null references sections(id) on delete cascade,
  state bytea not null,
  chars integer not null,
  primary key (snapshot_id, section_id)
);

-- Characters with spaces of the section's text, recomputed after persisted edits.
alter table sections add column char_count integer not null default 0;
alter table sections add column stats_updated_at timestamptz;
