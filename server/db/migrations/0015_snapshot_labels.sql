-- A snapshot's name as a kind with parameters (TPL4), rendered in the reader's
-- language: {"kind":"approval","params":{"number":"1.1","title":"..."}}. Every
-- snapshot written from now on has one; rows from before keep a null label and
-- are read from their English name (server/db/snapshots.ts, legacySnapshotLabel).
alter table snapshots add column label jsonb;
