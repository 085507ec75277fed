create table loans (
  id uuid primary key default gen_random_uuid(),
  -- A deleted book takes its (closed) loan history with it; open loans block the delete.
  book_id uuid not null references books (id) on delete cascade,
  user_id uuid not null,
  borrowed_at timestamptz not null default now(),
  due_at timestamptz not null,
  returned_at timestamptz,
  constraint loans_due_after_borrow check (due_at > borrowed_at),
  constraint loans_returned_after_borrow check (returned_at is null or returned_at >= borrowed_at)
);

-- At most one open loan per user and book, enforced by the database.
create unique index loans_one_open_per_user_book on loans (book_id, user_id) where returned_at is null;
-- ListLoans (newest first) by user, by book, and the open-loan count per user.
create index loans_user_borrowed_idx on loans (user_id, borrowed_at desc, id desc);
create index loans_book_borrowed_idx on loans (book_id, borrowed_at desc, id desc);
create index loans_open_user_idx on loans (user_id) where returned_at is null;
