-- GetBookRecommendations joins each recent reader of a book to everything that reader
-- borrowed. loans_user_borrowed_idx finds those loans but not their book_id, so every one of
-- them was a heap visit (over 15 000 for a popular book at 1 000 000 loans); with book_id in
-- the index the join is an index-only scan (docs/performance.md has both plans).
create index loans_user_book_idx on loans (user_id, book_id);
