drop table if exists authors;
