-- The update log is the collab hot path: every keystroke a client sends is one
-- committed row before anyone sees it. Its two foreign keys cost a
-- `select ... for key share` each (a row lock written to sections and users)
-- on every insert, about a fifth of a commit. The app never deletes sections or
-- users, and a row is only ever appended for a section the room loaded after
-- checking it exists; the cascades the keys gave are kept as triggers.
alter table doc_updates drop constraint doc_updates_doc_id_fkey;
alter table doc_updates drop constraint doc_updates_user_id_fkey;

create function doc_updates_section_deleted() returns trigger language plpgsql as $$
begin
  delete from doc_updates where doc_id = old.id;
  return old;
end $$;
create trigger doc_updates_section_deleted after delete on sections
  for each row execute function doc_updates_section_deleted();

create function doc_updates_user_deleted() returns trigger language plpgsql as $$
begin
  update doc_updates set user_id = null where user_id = old.id;
  return old;
end $$;
create trigger doc_updates_user_deleted after delete on users
  for each row execute function doc_updates_user_deleted();
