drop table if exists books;
