-- Recommendations break ties by popularity, every loan a book has ever had. Counting the loans
-- of each finalist was half of the ranking statement's time (a heap visit per loan, thousands
-- for a classic). The number is kept on the book instead, by statement-level triggers on loans,
-- so every way a loan is written counts: BorrowBook's insert adds to a row its transaction has
-- already locked and updated (taking the copy), so no writer waits for another because of it.
alter table books add column times_borrowed bigint not null default 0;
update books b set times_borrowed = c.n
  from (select book_id, count(*) as n from loans group by book_id) c
 where b.id = c.book_id;

-- One function for both triggers: the transition table has the same name in each, and the
-- trigger's argument says whether its loans are added (1) or removed (-1).
create function loans_count_changed() returns trigger language plpgsql as $$
begin
  update books b set times_borrowed = b.times_borrowed + c.n * TG_ARGV[0]::int
    from (select book_id, count(*) as n from changed group by book_id) c
   where b.id = c.book_id;
  return null;
end $$;

create trigger loans_count_insert after insert on loans
  referencing new table as changed for each statement execute function loans_count_changed('1');
create trigger loans_count_delete after delete on loans
  referencing old table as changed for each statement execute function loans_count_changed('-1');
