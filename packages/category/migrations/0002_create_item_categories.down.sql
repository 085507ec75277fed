drop table if exists item_categories;
