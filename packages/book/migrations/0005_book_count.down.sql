drop trigger if exists book_count_track on books;
drop function if exists book_count_track();
drop table if exists book_count;
