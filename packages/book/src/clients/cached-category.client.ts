import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@lms/platform";
import type { CategoryDirectory } from "../domain/ports.js";
import { ItemCategoriesCache } from "./item-categories-cache.js";

/** One message of the category service's WatchItemLinks stream. */
export interface LinkChange {
  ready: boolean;
  itemIds: string[];
  all: boolean;
}

/** Opens the WatchItemLinks stream; ends or throws when the watch is lost. */
export type WatchLinks = (signal: AbortSignal) => AsyncIterable<LinkChange>;

/** Lists book ids in pages (after the last one seen), for the preload. */
export type ListItemIds = (after: string, limit: number) => Promise<string[]>;

/** Items per preload call: the most one BatchGetItemCategories takes. */
const PRELOAD_BATCH = 1000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/** A CategoryDirectory that keeps items' category ids while it watches their changes; `close` stops watching. */
export interface CachedCategoryDirectory extends CategoryDirectory {
  readonly cache: ItemCategoriesCache;
  close(): void;
}

/**
 * Serves `categoriesOf` from memory for items it has seen, so GetBook and ListBooks need no
 * call to the category service once warm. Correct because the category service announces
 * every committed link change on a stream watched here (its own writes included, before they
 * answer); without a live watch (starting, category service down, stream lost) every read goes
 * to the category service as before and nothing is kept. Writes always go through, and the
 * items they touch are dropped here as well.
 */
export function createCachedCategoryDirectory(
  inner: CategoryDirectory,
  watch: WatchLinks,
  opts: { maxEntries: number; log: Logger; preload?: ListItemIds },
): CachedCategoryDirectory {
  const cache = new ItemCategoriesCache(opts.maxEntries);
  const stop = new AbortController();
  const preload = opts.preload;
  const onLive = preload ? (isCurrent: () => boolean) => preloadAll(cache, inner, preload, isCurrent, opts) : () => {};
  if (opts.maxEntries > 0) void keepWatching(cache, watch, stop.signal, opts.log, onLive);
  const dropAfter = async <T>(itemId: string, write: Promise<T>): Promise<T> => {
    try {
      return await write;
    } finally {
      cache.invalidate([itemId]);
    }
  };
  return {
    cache,
    async categoriesOf(itemIds, options) {
      if (options?.fresh) return inner.categoriesOf(itemIds, options);
      const { hits, misses, epoch } = cache.lookup(itemIds);
      if (misses.length === 0) return hits;
      const fetched = await inner.categoriesOf(misses);
      cache.store(epoch, misses, fetched);
      for (const [id, categoryIds] of fetched) hits.set(id, categoryIds);
      return hits;
    },
    itemsInCategories: (categoryIds, limit) => inner.itemsInCategories(categoryIds, limit),
    replaceItemCategories: (itemId, categoryIds, bearer) => dropAfter(itemId, inner.replaceItemCategories(itemId, categoryIds, bearer)),
    removeItemLinks: (itemId) => dropAfter(itemId, inner.removeItemLinks(itemId)),
    relatedItems: (itemId, limit) => inner.relatedItems(itemId, limit),
    close() {
      stop.abort();
      cache.goDead();
    },
  };
}

/**
 * Watches until `signal` aborts: live on `ready` (then `onLive`, told how to know whether that
 * watch still lasts), changes applied as they come, retried with backoff when lost.
 */
async function keepWatching(
  cache: ItemCategoriesCache,
  watch: WatchLinks,
  signal: AbortSignal,
  log: Logger,
  onLive: (isCurrent: () => boolean) => void,
): Promise<void> {
  let retryMs = FIRST_RETRY_MS;
  let watches = 0;
  while (!signal.aborted) {
    const thisWatch = ++watches;
    try {
      for await (const change of watch(signal)) {
        if (change.ready) {
          cache.goLive();
          retryMs = FIRST_RETRY_MS;
          log.info("category cache live: watching item link changes");
          onLive(() => thisWatch === watches && cache.isLive && !signal.aborted);
        } else if (change.all) cache.clear();
        else cache.invalidate(change.itemIds);
      }
      if (!signal.aborted) log.info("category link watch ended (category service stopping?); reading categories from it");
    } catch (err) {
      if (!signal.aborted) log.warn({ err }, "category link watch lost; reading categories from the category service");
    }
    cache.goDead();
    if (signal.aborted) return;
    await sleep(retryMs, undefined, { signal, ref: false }).catch(() => {}); // an abort ends the wait, and the loop
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }
}

/**
 * Fills the cache with every book's category ids (up to its size), a thousand per call, one
 * call at a time, so that reads find them from the start. Stops when the watch it started under
 * ends; a failure only ends the preload (reads then fill the cache as they come).
 */
async function preloadAll(
  cache: ItemCategoriesCache,
  inner: CategoryDirectory,
  listIds: ListItemIds,
  isCurrent: () => boolean,
  opts: { maxEntries: number; log: Logger },
): Promise<void> {
  const started = performance.now();
  let after = "";
  let seen = 0;
  try {
    while (isCurrent() && seen < opts.maxEntries) {
      const ids = await listIds(after, Math.min(PRELOAD_BATCH, opts.maxEntries - seen));
      if (ids.length === 0 || !isCurrent()) break;
      const { misses, epoch } = cache.lookup(ids);
      if (misses.length > 0) cache.store(epoch, misses, await inner.categoriesOf(misses));
      seen += ids.length;
      after = ids[ids.length - 1] ?? after;
    }
    opts.log.info({ books: seen, cached: cache.size, ms: Math.round(performance.now() - started) }, "category cache preloaded");
  } catch (err) {
    opts.log.warn({ err, books: seen }, "category cache preload stopped; the rest fills as books are read");
  }
}
