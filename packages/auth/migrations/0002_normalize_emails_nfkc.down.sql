-- 0002_normalize_emails_nfkc (down): undoes exactly what 0002_normalize_emails_nfkc.up.sql does, in reverse order.

-- Nothing to undo: the normalised emails are the ones their owners log in with, and the
-- original spelling of a rewritten email is not kept. The schema is unchanged.
select 1;
