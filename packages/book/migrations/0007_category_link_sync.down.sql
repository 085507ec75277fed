drop table if exists category_link_outbox;
drop table if exists book_category_sets;
