-- 0003_patrons (down): undoes exactly what 0003_patrons.up.sql does, in reverse order.
-- pg_trgm stays: it may have been there before, and other indexes may use it.
drop index if exists users_name_trgm_idx;
drop index if exists users_email_trgm_idx;
drop index if exists users_card_number_prefix_idx;
drop index if exists users_name_order_idx;
-- Dropping the column drops the sequence it owns and the constraints on it.
alter table users drop column if exists card_number, drop column if exists patron_group;
drop function if exists library_card_number(bigint);
drop sequence if exists users_card_number_seq;
