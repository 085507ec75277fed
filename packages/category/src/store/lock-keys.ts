/**
 * Keys of this service's transaction-scoped advisory locks, `pg_advisory_xact_lock(ns, key)`.
 * Each lock kind has its own namespace so an item's key can never equal the tree's; the
 * migration runner's one-argument lock lives in a separate key space altogether.
 */

/** Namespace of the one lock over the whole category tree (key {@link TREE_KEY}), taken by moves. */
export const TREE_LOCK_NAMESPACE = 7_340_301;
export const TREE_KEY = 0;

/** Namespace of the per-item link locks (key: hashtext of the item id). */
export const ITEM_LOCK_NAMESPACE = 7_340_302;

/** Namespace of the one change-log lock (key {@link CHANGE_LOG_KEY}): held from a log append to COMMIT. */
export const CHANGE_LOG_LOCK_NAMESPACE = 7_340_303;
export const CHANGE_LOG_KEY = 0;
