-- Who deleted what, kept through compaction: each user's deletions (a Yjs update
-- carrying only a delete set, merged) from the log rows a compaction removed.
-- "What changed since" attributes deleted text to its deleter instead of "Unknown".
create table doc_deleters (
  doc_id uuid not null references sections(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  deletes bytea not null,
  primary key (doc_id, user_id)
);
