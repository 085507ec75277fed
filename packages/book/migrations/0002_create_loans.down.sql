drop table if exists loans;
