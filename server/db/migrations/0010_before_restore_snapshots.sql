-- A restore first keeps the live text it replaces as an automatic section snapshot:
-- kind 'before_restore', named with the restored snapshot's name (the client shows
-- "Before restoring <name>" in the reader's language).
alter table snapshots drop constraint snapshots_kind_check;
alter table snapshots add constraint snapshots_kind_check check (kind in ('manual', 'approval', 'submission', 'meeting', 'before_restore'));
