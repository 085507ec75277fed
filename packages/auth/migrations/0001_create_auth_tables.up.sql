-- Emails are stored lower-cased (the check), so the plain unique constraint is case-insensitive.
create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null check (email = lower(email) and char_length(email) between 3 and 254),
  name text not null check (char_length(name) between 1 and 200),
  password_hash text not null,
  role text not null check (role in ('ROLE_MEMBER', 'ROLE_LIBRARIAN', 'ROLE_ADMIN')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_email_key unique (email)
);

-- Ed25519 signing keys shared by every replica; retired keys are kept out of the JWKS.
create table signing_keys (
  kid text primary key,
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);

-- Refresh tokens are stored only as SHA-256 hashes; one family per login.
create table refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  family_id uuid not null,
  user_id uuid not null references users (id) on delete cascade,
  token_hash bytea not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  constraint refresh_tokens_token_hash_key unique (token_hash)
);

create index refresh_tokens_family_idx on refresh_tokens (family_id);
create index refresh_tokens_user_idx on refresh_tokens (user_id);

-- Failed (and in-flight) login attempts per lower-cased email, shared by replicas for rate limiting.
create table login_failures (
  id bigint generated always as identity primary key,
  key text not null,
  failed_at timestamptz not null default now()
);

create index login_failures_key_failed_at_idx on login_failures (key, failed_at);
