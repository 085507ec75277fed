-- Loan policies (DESIGN.md §8): the lending terms of a (patron group, loan type) pair, either
-- key "*" for any. A lend uses the most specific row; the ("*", "*") row is the default. It is
-- not inserted here because its first terms come from the service's LOAN_DAYS and
-- MAX_ACTIVE_LOANS, which SQL cannot read: the service inserts it at start when absent.
create table loan_policies (
  patron_group text not null check (patron_group ~ '^([*]|[a-z0-9_-]{1,32})$'),
  loan_type text not null check (loan_type ~ '^([*]|[a-z0-9_-]{1,32})$'),
  loanable boolean not null,
  loan_days integer not null check (loan_days between 0 and 365),
  max_renewals integer not null check (max_renewals between 0 and 99),
  max_loans integer not null check (max_loans between 0 and 1000),
  updated_at timestamptz not null default now(),
  primary key (patron_group, loan_type)
);

-- Every replica caches the whole (tiny) table and drops its copy when told. The notice is sent
-- by the database itself, for every statement that changes the table (by any client, psql
-- included), and PostgreSQL delivers it only when that transaction commits.
create function loan_policies_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('loan_policies_changed', '');
  return null;
end;
$$;

create trigger loan_policies_changed
  after insert or update or delete or truncate on loan_policies
  for each statement execute function loan_policies_changed();

-- A book's loan type selects its policy; existing books become "standard".
alter table books add column loan_type text not null default 'standard'
  constraint books_loan_type_check check (loan_type ~ '^[a-z0-9_-]{1,32}$');
