drop table if exists categories;
