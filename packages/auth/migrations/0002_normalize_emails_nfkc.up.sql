-- 0002_normalize_emails_nfkc (up), created 2026-12-05.
-- Runs in one transaction with its schema_migrations row. Frozen once merged: change the
-- schema later with a new pair (make create-table), never by editing this file.

-- Emails are looked up NFKC-normalised, trimmed and lower-cased from now on (DESIGN.md §5).
-- Stored emails not in that form (e.g. full-width letters) are rewritten to it, so their owners
-- can still log in. Where the form is already taken by another account, or two stored emails
-- fold to the same form, only the oldest account gets it; the others keep what they had (a
-- look-alike an operator should look at: `select email from users where email <> lower(normalize(email, NFKC))`).
with candidates as (
  select id,
         lower(normalize(email, NFKC)) as normal,
         row_number() over (partition by lower(normalize(email, NFKC)) order by created_at, id) as rank
    from users
   where email <> lower(normalize(email, NFKC))
)
update users u
   set email = c.normal, updated_at = now()
  from candidates c
 where u.id = c.id
   and c.rank = 1
   and not exists (select 1 from users o where o.email = c.normal);
