import type { Executor } from "@lms/platform";
import type { LinkChange, LogWindow } from "../domain/link-change.js";
import { CHANGE_LOG_KEY, CHANGE_LOG_LOCK_NAMESPACE } from "./lock-keys.js";

/**
 * Appends each item's links as they now are to the change log; returns the last seq written.
 * Call it last in the transaction: the lock it takes is held until COMMIT, so appends commit in
 * seq order and a reader that has seen seq n has seen every seq below n as well (a sequence
 * alone hands out numbers in call order, not commit order).
 */
export async function appendLinkChanges(db: Executor, itemIds: readonly string[]): Promise<bigint> {
  await db.query("select pg_advisory_xact_lock($1, $2)", [CHANGE_LOG_LOCK_NAMESPACE, CHANGE_LOG_KEY]);
  const { rows } = await db.query<{ seq: string }>(
    `insert into link_changes (item_id, category_ids)
     select i.id, coalesce(array(select category_id from item_categories where item_id = i.id order by category_id), '{}')
       from unnest($1::uuid[]) with ordinality as i(id, n) order by i.n
     returning seq`,
    [[...new Set(itemIds)]],
  );
  return rows.reduce((max, r) => (BigInt(r.seq) > max ? BigInt(r.seq) : max), 0n);
}

/** The newest seq in the log (0 before the first change). */
export async function findHeadSeq(db: Executor): Promise<bigint> {
  const { rows } = await db.query<{ head: string }>("select coalesce(max(seq), 0)::text as head from link_changes");
  return BigInt(rows[0]?.head ?? "0");
}

/**
 * Up to `limit` changes after `after`, in seq order, with the log's oldest and newest seq, in
 * one statement (one snapshot, so a prune cannot slip between the window and the rows).
 */
export async function readLinkChanges(db: Executor, after: bigint, limit: number): Promise<{ window: LogWindow; changes: LinkChange[] }> {
  const { rows } = await db.query<{
    oldest: string | null;
    head: string | null;
    seq: string | null;
    item_id: string;
    category_ids: string[];
  }>(
    `select w.oldest::text, w.head::text, c.seq::text, c.item_id, c.category_ids::text[]
       from (select min(seq) as oldest, max(seq) as head from link_changes) w
       left join lateral (select seq, item_id, category_ids from link_changes where seq > $1 order by seq limit $2) c on true
      order by c.seq`,
    [after.toString(), limit],
  );
  const first = rows[0];
  const window = { oldest: BigInt(first?.oldest ?? "0"), head: BigInt(first?.head ?? "0") };
  const changes = rows.flatMap((r) => (r.seq === null ? [] : [{ seq: BigInt(r.seq), itemId: r.item_id, categoryIds: r.category_ids }]));
  return { window, changes };
}

/** Deletes changes older than `before`, always keeping the newest (it carries the log's head); returns how many went. */
export async function pruneLinkChanges(db: Executor, before: Date): Promise<number> {
  const { rowCount } = await db.query(
    `delete from link_changes
      where seq < coalesce((select min(seq) from link_changes where changed_at >= $1), (select max(seq) from link_changes))`,
    [before],
  );
  return rowCount ?? 0;
}
