import type { Executor } from "@lms/platform";

/** Stores each book's desired category set (migration 0007). */
export async function saveCategorySet(db: Executor, bookId: string, categoryIds: readonly string[]): Promise<void> {
  await db.query(
    `insert into book_category_sets (book_id, category_ids) values ($1, $2::uuid[])
     on conflict (book_id) do update set category_ids = excluded.category_ids`,
    [bookId, categoryIds],
  );
}

/** The desired category ids of each book among `bookIds` that has a set (books older than 0007 may not). */
export async function findCategorySets(db: Executor, bookIds: readonly string[]): Promise<Map<string, string[]>> {
  if (bookIds.length === 0) return new Map();
  const { rows } = await db.query<{ book_id: string; category_ids: string[] }>(
    "select book_id, category_ids from book_category_sets where book_id = any($1::uuid[])",
    [bookIds],
  );
  return new Map(rows.map((r) => [r.book_id, [...r.category_ids].sort()]));
}

/** Up to `limit` book ids whose desired set names `categoryId`. */
export async function findBooksInCategory(db: Executor, categoryId: string, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ book_id: string }>(
    "select book_id from book_category_sets where category_ids @> array[$1::uuid] order by book_id limit $2",
    [categoryId, limit],
  );
  return rows.map((r) => r.book_id);
}

/**
 * What the category service should hold for the item: `{ exists: false }` when no book has the
 * id (it wants no links), else the book's desired set, undefined for a book older than 0007.
 */
export async function findDesiredLinks(db: Executor, itemId: string): Promise<{ exists: boolean; categoryIds?: string[] }> {
  const { rows } = await db.query<{ category_ids: string[] | null }>(
    "select s.category_ids from books b left join book_category_sets s on s.book_id = b.id where b.id = $1",
    [itemId],
  );
  if (rows.length === 0) return { exists: false, categoryIds: [] };
  return { exists: true, categoryIds: rows[0].category_ids ? [...rows[0].category_ids].sort() : undefined };
}

/**
 * Queues the item for the reconciler (idempotent), committed on its own before any link write
 * is sent. Waits while a repair or a write holds the item.
 */
export async function queueItem(db: Executor, itemId: string): Promise<void> {
  await db.query(
    `insert into category_link_outbox (item_id) values ($1)
     on conflict (item_id) do update set queued_at = category_link_outbox.queued_at`,
    [itemId],
  );
}

/** Locks the item's queue entry until the transaction ends (false when it is not queued). */
export async function lockQueuedItem(db: Executor, itemId: string): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from category_link_outbox where item_id = $1 for update", [itemId]);
  return (rowCount ?? 0) > 0;
}

/** Locks the oldest queued item no one else holds, until the transaction ends. */
export async function lockOldestQueuedItem(db: Executor): Promise<string | undefined> {
  const { rows } = await db.query<{ item_id: string }>(
    "select item_id from category_link_outbox order by queued_at, item_id limit 1 for update skip locked",
  );
  return rows[0]?.item_id;
}

/** Takes the item off the queue (its links are known to match). */
export async function unqueueItem(db: Executor, itemId: string): Promise<void> {
  await db.query("delete from category_link_outbox where item_id = $1", [itemId]);
}

/** Sends the item to the back of the queue (a repair failed; others go first next time). */
export async function requeueItemLast(db: Executor, itemId: string): Promise<void> {
  await db.query("update category_link_outbox set queued_at = now() where item_id = $1", [itemId]);
}

/** How many items wait for repair. */
export async function countQueuedItems(db: Executor): Promise<number> {
  const { rows } = await db.query<{ n: number }>("select count(*)::int as n from category_link_outbox");
  return rows[0].n;
}
