-- A login attempt is reserved (pending) before its password is hashed, and marked
-- failed (pending false, at = when it failed) or deleted (it succeeded) after.
alter table login_failures add column pending boolean not null default false;
-- Login back-off is keyed by (account, client address): index that pair.
create index login_failures_account_ip_idx on login_failures(account, ip, at);

-- Signups per client address, for the signup throttle (each signup costs one scrypt).
create table signup_attempts (
  id bigint generated always as identity primary key,
  ip text not null,
  at timestamptz not null
);
create index signup_attempts_ip_idx on signup_attempts(ip, at);
