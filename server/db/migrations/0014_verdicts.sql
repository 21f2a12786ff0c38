-- Reviewers sign off (issue 18): one current verdict per (section, user).
-- basis_chars and basis_edit_units record the section at the verdict, so a later
-- substantial change (VRD5) marks it stale (stale_at) without reading any text.
create table section_verdicts (
  section_id uuid not null references sections(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  verdict text not null check (verdict in ('ready', 'needs_changes')),
  note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  basis_chars integer not null,
  basis_edit_units bigint not null,
  stale_at timestamptz,
  primary key (section_id, user_id)
);
create index section_verdicts_current_idx on section_verdicts(section_id) where stale_at is null;

-- Characters inserted plus deleted in the section by persisted edits, ever (a running counter).
alter table sections add column edit_units bigint not null default 0;
