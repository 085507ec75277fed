-- The category service stores item ↔ category links; the book service keeps here what it has
-- asked for, so a link write that ends without an answer (deadline, peer down or frozen) is
-- finished later from this side, and reads can answer from it while the peer is away.

-- Each book's category ids as the book service last wrote them (its desired set). Written in
-- the same transaction as the book; gone with the book. Books older than this table have no
-- row until their categories are next written.
create table book_category_sets (
  book_id uuid primary key references books (id) on delete cascade,
  category_ids uuid[] not null default '{}'
);
create index book_category_sets_category_ids_idx on book_category_sets using gin (category_ids);

-- Items whose links in the category service may differ from the desired set (a book that no
-- longer exists, or never did, wants none). Queued before a link write is sent, removed in the
-- same transaction as an acknowledged write; what is left is repaired by the link reconciler.
create table category_link_outbox (
  item_id uuid primary key,
  queued_at timestamptz not null default now()
);
create index category_link_outbox_queued_at_idx on category_link_outbox (queued_at);
