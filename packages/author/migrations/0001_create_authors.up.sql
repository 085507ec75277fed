create table authors (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 200),
  biography text not null default '',
  birth_date date,
  nationality text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Keyset paging by (lower(name), id) and the q search both use this ordering.
create index authors_name_id_idx on authors (lower(name), id);
