-- ListBooks without a filter answers totalSize with the number of all books. count(*) reads
-- every row of an index for it (5-6 ms at 100 000 books, the biggest part of such a page), so
-- the number is kept in a one-row table instead, exact at every commit.
create table book_count (
  singleton boolean primary key default true check (singleton),
  n bigint not null check (n >= 0)
);
insert into book_count (n) select count(*) from books;

create function book_count_track() returns trigger language plpgsql as $$
begin
  update book_count set n = n + case when tg_op = 'INSERT' then 1 else -1 end;
  return null;
end $$;

-- Deferred to COMMIT: the counter row is locked only while the transaction commits, not while
-- CreateBook waits on the category service, so concurrent writes do not queue behind it.
create constraint trigger book_count_track after insert or delete on books
  deferrable initially deferred for each row execute function book_count_track();
