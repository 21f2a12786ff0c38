-- Required structured items (a risk table, a timetable...) the owner confirms are in the text,
-- by key of the section's required_items; the completeness meter counts them.
alter table sections add column items_present jsonb not null default '[]';
