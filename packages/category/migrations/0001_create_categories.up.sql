create table categories (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 100),
  description text not null default '' check (char_length(description) <= 2000),
  -- No cascade: a category with children cannot be deleted (CATEGORY_HAS_CHILDREN).
  parent_id uuid references categories (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Names are unique among siblings, case-insensitively. Roots (NULL parent) are siblings too,
-- so the parent is folded into a constant for them: a plain (parent_id, lower(name)) index
-- would let NULLs repeat.
create unique index categories_sibling_name_key
  on categories (coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));

-- Keyset paging by (lower(name), id), over all categories and over the children of one parent.
create index categories_name_id_idx on categories (lower(name), id);
create index categories_parent_name_id_idx on categories (parent_id, lower(name), id);
