drop trigger if exists book_count_delete on books;
drop trigger if exists book_count_insert on books;
drop function if exists book_count_removed();
drop function if exists book_count_added();
drop function if exists book_count_fold();
drop table if exists book_count_deltas;
