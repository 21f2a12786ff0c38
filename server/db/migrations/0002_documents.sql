-- Section documents: an append-only Yjs update log plus one compacted snapshot per doc.
create table doc_updates (
  seq bigint generated always as identity primary key,
  doc_id uuid not null references sections(id) on delete cascade,
  update bytea not null,
  user_id uuid references users(id) on delete set null,
  created_at timestamptz not null default now()
);
create index doc_updates_doc_idx on doc_updates(doc_id, seq);

-- The merged state of every update of doc_id up to and including upto_seq.
create table doc_snapshots (
  doc_id uuid primary key references sections(id) on delete cascade,
  state bytea not null,
  upto_seq bigint not null,
  updated_at timestamptz not null default now()
);
