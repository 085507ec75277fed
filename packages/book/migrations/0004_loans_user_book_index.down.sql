drop index if exists loans_user_book_idx;
