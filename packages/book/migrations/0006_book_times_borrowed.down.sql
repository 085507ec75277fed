drop trigger if exists loans_count_delete on loans;
drop trigger if exists loans_count_insert on loans;
drop function if exists loans_count_changed();
alter table books drop column if exists times_borrowed;
