-- The extension stays: other objects of the database may use it, and dropping it needs its owner.
drop index if exists books_title_trgm_idx;
