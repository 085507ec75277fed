-- Circulation v2 (DESIGN.md §8): a book's copies become items with a barcode and a status, and
-- a loan lends one of them. books.total_copies / available_copies stay as columns, kept in the
-- same transaction as every copy change (ListBooks and GetBook read them, as before):
-- total_copies = copies neither lost nor withdrawn, available_copies = copies available.

-- Generated barcodes: 'C' + 11 digits. A barcode someone gave by hand may already hold the next
-- value; writers skip it (on conflict do nothing) and take the one after.
create sequence copy_barcode_seq minvalue 1 maxvalue 99999999999 no cycle;

create table copies (
  id uuid primary key default gen_random_uuid(),
  book_id uuid not null references books (id) on delete cascade,
  barcode text not null default ('C' || lpad(nextval('copy_barcode_seq')::text, 11, '0')),
  status text not null default 'available',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint copies_barcode_format check (barcode ~ '^[A-Za-z0-9-]{1,32}$'),
  constraint copies_status_known check (status in ('available', 'on_loan', 'lost', 'withdrawn'))
-- Room on each page, so a status change (every borrow and return) can stay on its page (HOT).
) with (fillfactor = 80);
alter sequence copy_barcode_seq owned by copies.barcode;

-- Barcodes are kept as given and unique case-insensitively (a scanner or a person may send
-- either case); LookupBarcode searches the same expression.
create unique index copies_barcode_key on copies (upper(barcode));
-- A book's copies: ListCopies, BorrowBook's pick of an available one (a few rows per book), the
-- cascade from books. status is in no index, so borrows and returns update copies in place (HOT)
-- without writing any index.
create index copies_book_id_idx on copies (book_id);

alter table loans add column copy_id uuid;
alter table loans add column renewal_count integer not null default 0;

-- Each open loan gets a copy of its book, on loan: its id is chosen first, so the loan and the
-- copy can be matched without a second key.
update loans set copy_id = gen_random_uuid() where returned_at is null;
insert into copies (id, book_id, status, created_at, updated_at)
select copy_id, book_id, 'on_loan', borrowed_at, borrowed_at from loans where returned_at is null order by borrowed_at, id;

-- The rest of each counter becomes copies on the shelf. total_copies is what a librarian set,
-- so it is kept: total − open loans copies are available. (Were there more open loans than
-- copies, which the old rules forbade, every loan would still keep its copy and the total
-- would grow to match.)
insert into copies (book_id)
select b.id
  from books b
  left join (select book_id, count(*)::int as n from loans where returned_at is null group by book_id) o on o.book_id = b.id
  cross join lateral generate_series(1, b.total_copies - coalesce(o.n, 0)) k
 order by b.created_at, b.id, k;

-- The counters now count the copies: the same numbers, unless open loans outnumbered the copies.
update books b set total_copies = c.total, available_copies = c.available
  from (select book_id, count(*)::int as total, (count(*) filter (where status = 'available'))::int as available
          from copies group by book_id) c
 where b.id = c.book_id and (b.total_copies, b.available_copies) is distinct from (c.total, c.available);

alter table loans
  -- Copies are never deleted but with their book, which takes its loans too (cascade either way).
  add constraint loans_copy_id_fkey foreign key (copy_id) references copies (id) on delete cascade,
  -- Every loan opened from now on lends a copy; returned loans of before keep none.
  add constraint loans_open_has_copy check (copy_id is not null or returned_at is not null),
  add constraint loans_renewal_count_range check (renewal_count >= 0);
-- A copy is on at most one open loan: the database's last defence, whatever the code does.
create unique index loans_one_open_per_copy on loans (copy_id) where returned_at is null;
-- The foreign key's own lookups (a book's delete cascades to its copies, each checked against
-- the loans) would scan every loan without it.
create index loans_copy_id_idx on loans (copy_id);
