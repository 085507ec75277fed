-- ListBooks without a filter answers totalSize with the number of all books; count(*) reads a
-- whole index for it (5-6 ms at 100 000 books, the biggest part of such a page). The number is
-- kept instead as a sum of deltas, one row per INSERT or DELETE statement on books: writers only
-- ever add rows, so they never wait for one another (one shared counter row would make every
-- CreateBook queue behind the others until commit), and the sum is exact at every commit.
-- Writers fold the rows into one now and then (book_count_fold), so the sum stays small.
create table book_count_deltas (
  id bigserial primary key,
  delta bigint not null
);
insert into book_count_deltas (delta) select count(*) from books;

create function book_count_fold() returns void language sql as $$
  -- Rows another writer is folding are skipped, not waited for; the total is unchanged either way.
  with folded as (
    delete from book_count_deltas
     where id in (select id from book_count_deltas for update skip locked)
    returning delta
  )
  insert into book_count_deltas (delta) select sum(delta) from folded having count(*) > 0;
$$;

create function book_count_added() returns trigger language plpgsql as $$
begin
  insert into book_count_deltas (delta) select count(*) from added having count(*) > 0;
  if random() < 0.01 then perform book_count_fold(); end if;
  return null;
end $$;

create function book_count_removed() returns trigger language plpgsql as $$
begin
  insert into book_count_deltas (delta) select -count(*) from removed having count(*) > 0;
  if random() < 0.01 then perform book_count_fold(); end if;
  return null;
end $$;

create trigger book_count_insert after insert on books
  referencing new table as added for each statement execute function book_count_added();
create trigger book_count_delete after delete on books
  referencing old table as removed for each statement execute function book_count_removed();
