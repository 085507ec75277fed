-- 0003_patrons (up), created 2026-12-05.
-- Runs in one transaction with its schema_migrations row. Frozen once merged: change the
-- schema later with a new pair (make create-table), never by editing this file.

-- DESIGN.md §8 Patrons: every user has a patron group (loan policies are chosen by it) and a
-- library card number: 10 digits, unique, assigned at Register, never given to anyone else.

-- Card numbers are 9 digits from a sequence plus a Luhn check digit (a mistyped digit or two
-- swapped neighbours are caught before a lookup). A sequence never hands out a value twice,
-- whether the user is later deleted or the inserting transaction rolls back, so a number is
-- never reused; the unique constraint stays as the last defence. 900 000 000 numbers.
create sequence users_card_number_seq as bigint minvalue 100000000 maxvalue 999999999 start 100000000 no cycle;

-- The card number of sequence value `n`: its 9 digits and their Luhn check digit
-- (from the right, every other digit of the body doubled, starting with the last one).
create function library_card_number(n bigint) returns text
language sql immutable strict parallel safe
as $$
  select b || ((10 - (select sum(case when i % 2 = 1 then (2 * d) / 10 + (2 * d) % 10 else d end)
                        from (select i, substr(reverse(b), i, 1)::int as d from generate_series(1, 9) as i) digits) % 10) % 10)::text
    from (select lpad(n::text, 9, '0') as b) body
$$;

alter table users
  add column patron_group text not null default 'default' constraint users_patron_group_format check (patron_group ~ '^[a-z0-9_-]{1,32}$'),
  add column card_number text;

-- Existing users get their cards in the order they registered.
with ordered as (
  select id, row_number() over (order by created_at, id) as n from users
)
update users u set card_number = library_card_number(99999999 + o.n) from ordered o where o.id = u.id;
select setval('users_card_number_seq', 99999999 + count(*), true) from users having count(*) > 0;

alter table users
  alter column card_number set not null,
  alter column card_number set default library_card_number(nextval('users_card_number_seq')),
  add constraint users_card_number_format check (card_number ~ '^[0-9]{10}$'),
  add constraint users_card_number_key unique (card_number);
alter sequence users_card_number_seq owned by users.card_number;

-- ListUsers: ordered by (lower(name), id); a card number searched by its first digits.
create index users_name_order_idx on users (lower(name), id);
create index users_card_number_prefix_idx on users (card_number text_pattern_ops);

-- ListUsers `q` is a substring search in email and name (ILIKE '%q%'): trigram indexes serve
-- it for q of three characters or more, where pg_trgm is available (as for book titles in the
-- book service); elsewhere the index is skipped with a notice and searches scan (correct, slower).
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_trgm') then
    create extension if not exists pg_trgm;
    create index users_email_trgm_idx on users using gin (email gin_trgm_ops);
    create index users_name_trgm_idx on users using gin (name gin_trgm_ops);
  else
    raise notice 'pg_trgm is not available: users_email_trgm_idx, users_name_trgm_idx not created, user search will scan';
  end if;
exception when insufficient_privilege then
  raise notice 'no privilege to create pg_trgm: users_email_trgm_idx, users_name_trgm_idx not created, user search will scan';
end
$$;
