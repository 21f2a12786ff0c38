-- Accounts, sessions, proposals, partners, members, sections, invitations, audit.
create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  name text not null,
  password_hash text not null,
  locale text not null default 'en',
  color text not null,
  created_at timestamptz not null default now()
);

-- id is the SHA-256 (hex) of the session token; the token itself is never stored.
create table sessions (
  id text primary key,
  user_id uuid not null references users(id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index sessions_user_idx on sessions(user_id);

-- Failed logins, for throttling per account and per IP across instances.
create table login_failures (
  id bigint generated always as identity primary key,
  account text,
  ip text,
  at timestamptz not null default now()
);
create index login_failures_account_idx on login_failures(account, at);
create index login_failures_ip_idx on login_failures(ip, at);

create table proposals (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  template_id text not null,
  theme text,
  deadline date,
  language text not null default 'en',
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table partners (
  id uuid primary key default gen_random_uuid(),
  proposal_id uuid not null references proposals(id) on delete cascade,
  name text not null,
  town text not null,
  country char(2) not null,
  kind text not null default 'municipality',
  is_lead boolean not null default false,
  created_at timestamptz not null default now()
);
create index partners_proposal_idx on partners(proposal_id);
create unique index partners_one_lead_idx on partners(proposal_id) where is_lead;

create table members (
  proposal_id uuid not null references proposals(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  partner_id uuid not null references partners(id),
  role text not null check (role in ('coordinator', 'editor', 'reviewer')),
  created_at timestamptz not null default now(),
  primary key (proposal_id, user_id)
);
create index members_user_idx on members(user_id);

create table sections (
  id uuid primary key default gen_random_uuid(),
  proposal_id uuid not null references proposals(id) on delete cascade,
  key text not null,
  position integer not null,
  number text not null,
  title text not null,
  criterion text not null,
  guidance jsonb not null default '[]',
  checklist jsonb not null default '[]',
  required_items jsonb not null default '[]',
  min_chars integer not null,
  max_chars integer not null,
  owner_partner_id uuid not null references partners(id),
  status text not null default 'not_started' check (status in
    ('not_started', 'drafting', 'ready_for_review', 'in_review', 'changes_requested', 'approved', 'final')),
  blocked_reason text,
  not_applicable_reason text,
  changes_requested_reason text,
  due_date date,
  updated_at timestamptz not null default now(),
  unique (proposal_id, key)
);

-- token_hash is the SHA-256 (hex) of the invitation token.
create table invitations (
  id uuid primary key default gen_random_uuid(),
  proposal_id uuid not null references proposals(id) on delete cascade,
  partner_id uuid not null references partners(id) on delete cascade,
  role text not null check (role in ('coordinator', 'editor', 'reviewer')),
  token_hash text not null unique,
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references users(id) on delete set null,
  revoked_at timestamptz
);
create index invitations_proposal_idx on invitations(proposal_id);

create table audit_events (
  id bigint generated always as identity primary key,
  proposal_id uuid not null references proposals(id) on delete cascade,
  section_id uuid references sections(id) on delete set null,
  actor_id uuid references users(id) on delete set null,
  action text not null,
  data jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index audit_events_proposal_idx on audit_events(proposal_id, id);
