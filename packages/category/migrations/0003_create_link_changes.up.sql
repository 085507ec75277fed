-- The item link change log: one row per item per committed link change, stating the item's
-- whole set after it. Written in the link change's own transaction, last, under one advisory
-- lock, so seq order is commit order and a reader of "seq > n" never skips a late commit.
-- Book replicas list item_categories with the log's seq, then read the log after it.
create table link_changes (
  seq bigint generated always as identity primary key,
  item_id uuid not null,
  category_ids uuid[] not null,
  changed_at timestamptz not null default now()
);
