create table books (
  id uuid primary key default gen_random_uuid(),
  title text not null check (char_length(title) between 1 and 500),
  isbn char(13) not null check (isbn ~ '^[0-9]{13}$'),
  author_id uuid not null,
  publisher text not null default '',
  published_year integer not null default 0,
  language text not null default '',
  description text not null default '',
  total_copies integer not null check (total_copies between 0 and 10000),
  available_copies integer not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint books_isbn_key unique (isbn),
  -- The last line of defence: whatever the code does, copies stay within 0..total.
  constraint books_available_copies_range check (available_copies between 0 and total_copies)
);

create index books_author_id_idx on books (author_id);
create index books_created_at_id_idx on books (created_at, id);
create index books_title_id_idx on books (lower(title), id);
create index books_published_year_id_idx on books (published_year, id);
