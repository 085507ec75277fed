import type { Executor } from "@lms/platform";
import type { Category, ItemCategoryIds } from "../domain/category.js";
import { CATEGORY_COLUMNS, type CategoryRow, rowToCategory } from "./category.repository.js";
import { ITEM_LOCK_NAMESPACE } from "./lock-keys.js";

/**
 * Serialises every change to one item's links until the transaction ends, so racing calls on
 * the same item apply one after the other and the set is always exactly one caller's result.
 * (Two items whose ids hash alike merely wait for each other; correctness is unaffected.)
 */
export async function lockItemLinks(db: Executor, itemId: string): Promise<void> {
  await db.query("select pg_advisory_xact_lock($1, hashtext($2))", [ITEM_LOCK_NAMESPACE, itemId]);
}

/** Links the item to each of `categoryIds` not linked yet; returns exactly the newly linked ids. */
export async function linkItemIfNotLinked(db: Executor, itemId: string, categoryIds: readonly string[]): Promise<string[]> {
  if (categoryIds.length === 0) return [];
  const { rows } = await db.query<{ category_id: string }>(
    `insert into item_categories (item_id, category_id) select $1, unnest($2::uuid[])
     on conflict do nothing returning category_id`,
    [itemId, categoryIds],
  );
  return rows.map((r) => r.category_id);
}

/** Unlinks the item from every category not in `keep`; returns the unlinked ids. */
export async function unlinkItemExcept(db: Executor, itemId: string, keep: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ category_id: string }>(
    "delete from item_categories where item_id = $1 and category_id <> all($2::uuid[]) returning category_id",
    [itemId, keep],
  );
  return rows.map((r) => r.category_id);
}

/** Unlinks every item from the category; returns the ids of the items that were linked to it. */
export async function unlinkCategory(db: Executor, categoryId: string): Promise<string[]> {
  const { rows } = await db.query<{ item_id: string }>("delete from item_categories where category_id = $1 returning item_id", [
    categoryId,
  ]);
  return rows.map((r) => r.item_id);
}

/** The categories the item is linked to, ordered by name (case-insensitive), then id. */
export async function findCategoriesOfItem(db: Executor, itemId: string): Promise<Category[]> {
  const { rows } = await db.query<CategoryRow>(
    `select ${CATEGORY_COLUMNS} from categories
     where id in (select category_id from item_categories where item_id = $1)
     order by lower(name), name, id`,
    [itemId],
  );
  return rows.map(rowToCategory);
}

/** The category ids of each of `itemIds` that has links, in one statement (ids sorted). */
export async function findCategoryIdsOfItems(db: Executor, itemIds: readonly string[]): Promise<ItemCategoryIds[]> {
  const { rows } = await db.query<{ item_id: string; category_ids: string[] }>(
    `select item_id, array_agg(category_id::text order by category_id) as category_ids
     from item_categories where item_id = any($1::uuid[]) group by item_id`,
    [itemIds],
  );
  return rows.map((r) => ({ itemId: r.item_id, categoryIds: r.category_ids }));
}

/**
 * Items that have links, with their category ids (sorted), in item id order after `after`, and
 * the change log's head in the same statement, so the page holds every change up to that seq.
 */
export async function listItemLinks(
  db: Executor,
  after: string | undefined,
  limit: number,
): Promise<{ seq: bigint; items: ItemCategoryIds[] }> {
  const { rows } = await db.query<{ seq: string; item_id: string | null; category_ids: string[] }>(
    `select h.seq, p.item_id, p.category_ids
       from (select coalesce(max(seq), 0)::text as seq from link_changes) h
       left join lateral (
         select item_id, array_agg(category_id::text order by category_id) as category_ids
           from item_categories where $1::uuid is null or item_id > $1::uuid
          group by item_id order by item_id limit $2) p on true
      order by p.item_id`,
    [after ?? null, limit],
  );
  const items = rows.flatMap((r) => (r.item_id === null ? [] : [{ itemId: r.item_id, categoryIds: r.category_ids }]));
  return { seq: BigInt(rows[0]?.seq ?? "0"), items };
}

/** A page of the distinct items linked to any of `categoryIds`, ordered by item id, after `after`. */
export async function listItemsOfCategories(
  db: Executor,
  opts: { categoryIds: readonly string[]; after: string | undefined; limit: number },
): Promise<string[]> {
  const { rows } = await db.query<{ item_id: string }>(
    `select distinct item_id from item_categories
     where category_id = any($1::uuid[]) and ($2::uuid is null or item_id > $2::uuid)
     order by item_id limit $3`,
    [opts.categoryIds, opts.after ?? null, opts.limit],
  );
  return rows.map((r) => r.item_id);
}

/** Items sharing categories with `itemId`, most shared first (ties by item id), the item itself excluded. */
export async function findRelatedItems(db: Executor, itemId: string, limit: number): Promise<{ itemId: string; shared: number }[]> {
  const { rows } = await db.query<{ item_id: string; shared: number }>(
    `select other.item_id, count(*)::int as shared
       from item_categories mine
       join item_categories other on other.category_id = mine.category_id and other.item_id <> mine.item_id
      where mine.item_id = $1
      group by other.item_id
      order by shared desc, other.item_id
      limit $2`,
    [itemId, limit],
  );
  return rows.map((r) => ({ itemId: r.item_id, shared: r.shared }));
}
