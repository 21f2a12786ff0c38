-- Invitation links at workshop scale (TEAM1-TEAM12).
-- A link may be used `max_uses` times (1 = a personal, single-use link, as before);
-- `uses` counts the people who joined through it. `email` names the person a
-- personal link of a bulk invitation was made for (a label: not checked on accept).
alter table invitations add column max_uses integer not null default 1 check (max_uses >= 1);
alter table invitations add column uses integer not null default 0 check (uses >= 0);
alter table invitations add column email text;
alter table invitations add constraint invitations_uses_within_max check (uses <= max_uses);
update invitations set uses = 1 where accepted_at is not null;

-- Who joined through which link, and when (accepted_at/accepted_by keep the latest).
create table invitation_acceptances (
  invitation_id uuid not null references invitations(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  accepted_at timestamptz not null,
  primary key (invitation_id, user_id)
);
insert into invitation_acceptances (invitation_id, user_id, accepted_at)
  select id, accepted_by, accepted_at from invitations where accepted_by is not null and accepted_at is not null;

-- The pending personal links of a proposal, looked up by address when a bulk invitation skips repeats.
create index invitations_proposal_email_idx on invitations(proposal_id, email) where email is not null;
