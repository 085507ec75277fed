-- Items (books) live in the book service: item_id is a plain UUID, never a foreign key.
create table item_categories (
  item_id uuid not null,
  category_id uuid not null references categories (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (item_id, category_id)
);

-- The items of a category (ListCategoryItems) and the cascade on category delete.
create index item_categories_category_item_idx on item_categories (category_id, item_id);
