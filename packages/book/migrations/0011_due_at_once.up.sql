-- A loan policy's loanDays may be 0 (DESIGN.md §8: due at once, e.g. in-library use): a loan
-- due at the moment it is lent must pass the check, which 0002 wrote as strictly after.
alter table loans drop constraint loans_due_after_borrow;
alter table loans add constraint loans_due_after_borrow check (due_at >= borrowed_at);
