-- Back to "due strictly after lending"; loans due at once stay as they are (not validated).
alter table loans drop constraint loans_due_after_borrow;
alter table loans add constraint loans_due_after_borrow check (due_at > borrowed_at) not valid;
