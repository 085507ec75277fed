alter table books drop column if exists loan_type;
drop table if exists loan_policies;
drop function if exists loan_policies_changed();
