-- ListBooks `q` is a substring search (title ILIKE '%q%'): a b-tree cannot serve it, so every
-- search counted its matches by scanning the whole table (about 100 ms at 100 000 books).
-- A trigram index (pg_trgm) serves ILIKE '%q%' for q of three characters or more.
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension, so the database owner
-- may create it; the embedded PostgreSQL (PGlite) does not include it, and a server without
-- contrib or without the privilege should still start: there the index is skipped with a
-- notice and searches stay scans (correct, only slower).
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_trgm') then
    create extension if not exists pg_trgm;
    create index books_title_trgm_idx on books using gin (title gin_trgm_ops);
  else
    raise notice 'pg_trgm is not available: books_title_trgm_idx not created, title search will scan';
  end if;
exception when insufficient_privilege then
  raise notice 'no privilege to create pg_trgm: books_title_trgm_idx not created, title search will scan';
end
$$;
