import { decodePageToken, type Executor, encodePageToken, notFound, pageSizeOf, requireUuid, type Transaction } from "@lms/platform";
import { lockExistingCategories } from "../store/category.repository.js";
import * as links from "../store/item-link.repository.js";
import type { Category, ItemCategoriesChange, ItemCategoryIds } from "./category.js";
import { fingerprintOf, MAX_CATEGORY_IDS, MAX_ITEM_IDS, missingIds, sortedIds, uuidSetOf } from "./id-list.js";
import type { LinkLog } from "./link-log.js";
import { itemCursorOf } from "./page-cursor.js";

/**
 * Replaces the item's set of categories with `categoryIds`, in one transaction: calls on the
 * same item take turns, and an unknown category id fails the call before anything changes.
 */
export async function updateItemCategories(
  tx: Transaction,
  log: LinkLog,
  itemId: string,
  categoryIds: readonly string[],
): Promise<ItemCategoriesChange> {
  const item = requireUuid("itemId", itemId);
  const wanted = uuidSetOf("categoryIds", categoryIds, MAX_CATEGORY_IDS);
  const { result } = await log.changeLinks(tx, async () => {
    await startItemChange(tx, item, wanted);
    const removed = await links.unlinkItemExcept(tx, item, wanted);
    const added = await links.linkItemIfNotLinked(tx, item, wanted);
    const result = { itemId: item, categoryIds: wanted, addedCategoryIds: sortedIds(added), removedCategoryIds: sortedIds(removed) };
    return { result, changedItems: added.length + removed.length > 0 ? [item] : [] };
  });
  return result;
}

/**
 * Makes the item's links exactly `categoryIds` (SetItemLinks, for the service that owns the
 * item): the same replace as updateItemCategories, so sending it again changes nothing more.
 * With `ignoreMissing` an unknown category is left out of the set and named, not refused.
 * A call its caller has given up on (`signal` aborted: deadline passed, cancelled) is rolled
 * back instead of committed, so a request held up in transit is not carried out late.
 */
export async function setItemLinks(
  tx: Transaction,
  log: LinkLog,
  req: { itemId: string; categoryIds: readonly string[]; ignoreMissing: boolean },
  signal?: AbortSignal,
): Promise<{ categoryIds: string[]; missingCategoryIds: string[]; seq: bigint }> {
  const { itemId, categoryIds, ignoreMissing } = req;
  const item = requireUuid("itemId", itemId);
  const requested = uuidSetOf("categoryIds", categoryIds, MAX_CATEGORY_IDS);
  const { result, seq } = await log.changeLinks(tx, async () => {
    await links.lockItemLinks(tx, item);
    const missing = requested.length === 0 ? [] : missingIds(requested, await lockExistingCategories(tx, requested));
    if (missing.length > 0 && !ignoreMissing) throw notFound(missing.length === 1 ? "category" : "categories", missing.join(", "));
    const kept = requested.filter((id) => !missing.includes(id));
    const removed = await links.unlinkItemExcept(tx, item, kept);
    const added = await links.linkItemIfNotLinked(tx, item, kept);
    signal?.throwIfAborted();
    const result = { categoryIds: sortedIds(kept), missingCategoryIds: sortedIds(missing) };
    return { result, changedItems: added.length + removed.length > 0 ? [item] : [] };
  });
  return { ...result, seq };
}

/** Links the item to `categoryIds` (idempotent); answers only the links this call made. */
export async function bulkAddItemToCategories(
  tx: Transaction,
  log: LinkLog,
  itemId: string,
  categoryIds: readonly string[],
): Promise<{ itemId: string; addedCategoryIds: string[] }> {
  const item = requireUuid("itemId", itemId);
  const wanted = uuidSetOf("categoryIds", categoryIds, MAX_CATEGORY_IDS);
  const { result } = await log.changeLinks(tx, async () => {
    await startItemChange(tx, item, wanted);
    const added = await links.linkItemIfNotLinked(tx, item, wanted);
    return { result: { itemId: item, addedCategoryIds: sortedIds(added) }, changedItems: added.length > 0 ? [item] : [] };
  });
  return result;
}

/** Unlinks the item from every category (idempotent); answers the ids it was unlinked from. */
export async function removeItemLinks(tx: Transaction, log: LinkLog, itemId: string): Promise<string[]> {
  const item = requireUuid("itemId", itemId);
  const { result } = await log.changeLinks(tx, async () => {
    await links.lockItemLinks(tx, item);
    const removed = await links.unlinkItemExcept(tx, item, []);
    return { result: sortedIds(removed), changedItems: removed.length > 0 ? [item] : [] };
  });
  return result;
}

/** The categories of an item, by name; none for an unknown item. */
export async function getItemCategories(db: Executor, itemId: string): Promise<Category[]> {
  return links.findCategoriesOfItem(db, requireUuid("itemId", itemId));
}

/** The category ids of each requested item, one entry per request entry, in request order. */
export async function batchGetItemCategories(db: Executor, itemIds: readonly string[]): Promise<ItemCategoryIds[]> {
  const items = uuidSetOf("itemIds", itemIds, MAX_ITEM_IDS);
  const found = items.length === 0 ? [] : await links.findCategoryIdsOfItems(db, items);
  const byItem = new Map(found.map((f) => [f.itemId, f.categoryIds]));
  return itemIds.map((id) => {
    const itemId = id.toLowerCase();
    return { itemId, categoryIds: byItem.get(itemId) ?? [] };
  });
}

/** One page of the distinct items linked to any of `categoryIds`, by item id (pageSize 1..1000, default 100). */
export async function listCategoryItems(db: Executor, req: { categoryIds: readonly string[]; pageSize: number; pageToken: string }) {
  const categoryIds = uuidSetOf("categoryIds", req.categoryIds, MAX_CATEGORY_IDS);
  const limit = pageSizeOf(req.pageSize, 100, 1000);
  const filter = `category-items:${fingerprintOf(categoryIds)}`;
  const after = itemCursorOf(decodePageToken(req.pageToken, filter));
  const rows = categoryIds.length === 0 ? [] : await links.listItemsOfCategories(db, { categoryIds, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { itemIds: page, nextPageToken: rows.length > limit && last ? encodePageToken([last], filter) : "" };
}

/**
 * One page of every item that has links, with its category ids, in item id order (pageSize
 * 1..1000, default 1000), and the change log's seq it was read at (one statement: one snapshot).
 * Item ids never change, so a page boundary never skips or repeats an item; an item whose
 * links change during the scan is in the log after the first page's seq.
 */
export async function listItemLinks(db: Executor, req: { pageSize: number; pageToken: string }) {
  const filter = "item-links";
  const limit = pageSizeOf(req.pageSize, MAX_ITEM_IDS, MAX_ITEM_IDS);
  const after = itemCursorOf(decodePageToken(req.pageToken, filter));
  const { seq, items: rows } = await links.listItemLinks(db, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page, nextPageToken: rows.length > limit && last ? encodePageToken([last.itemId], filter) : "", seq };
}

/**
 * The start of every change to an item's links: take the item's turn, then lock the named
 * categories against deletion; any that does not exist fails the call with nothing changed.
 */
async function startItemChange(tx: Executor, itemId: string, categoryIds: string[]): Promise<void> {
  await links.lockItemLinks(tx, itemId);
  if (categoryIds.length === 0) return;
  const missing = missingIds(categoryIds, await lockExistingCategories(tx, categoryIds));
  if (missing.length > 0) throw notFound(missing.length === 1 ? "category" : "categories", missing.join(", "));
}

/** Items sharing categories with an item, most shared first; limit 1..1000 (default 100). */
export async function listRelatedItems(db: Executor, itemId: string, limit: number): Promise<{ itemId: string; shared: number }[]> {
  return links.findRelatedItems(db, requireUuid("itemId", itemId), pageSizeOf(limit, 100, 1000, "limit"));
}
