import { setTimeout as sleep } from "node:timers/promises";
import { ConnectError } from "@connectrpc/connect";
import type { Logger } from "@lms/platform";
import type { CategoryDirectory } from "../domain/ports.js";
import { MAX_RELATED } from "./category.client.js";
import { ItemCategoriesCache } from "./item-categories-cache.js";

/** One message of the category service's WatchItemLinks stream. */
export interface LinkChange {
  ready: boolean;
  itemIds: string[];
  all: boolean;
}

/** Opens the WatchItemLinks stream; ends or throws when the watch is lost. */
export type WatchLinks = (signal: AbortSignal) => AsyncIterable<LinkChange>;

/** One page of every linked item with its category ids (ListItemLinks), for the full load. */
export type ListLinks = (pageToken: string) => Promise<{ items: { itemId: string; categoryIds: string[] }[]; nextPageToken: string }>;

/** Most stale items read again in one BatchGetItemCategories call. */
const REFILL_BATCH = 1000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
const FIRST_REFILL_RETRY_MS = 10;
const MAX_REFILL_RETRY_MS = 1000;

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
 *
 * With `listLinks`, once the watch is live it also reads every link (ListItemLinks) and is then
 * whole: it answers which books are in a category (ListBooks `categoryId`) and which share
 * categories with a book (recommendations) itself, as the category service would. Items changed
 * since are read again in the background; until they are, those questions go to the category
 * service, so a caller always sees its own writes.
 */
export function createCachedCategoryDirectory(
  inner: CategoryDirectory,
  watch: WatchLinks,
  opts: { maxEntries: number; log: Logger; listLinks?: ListLinks },
): CachedCategoryDirectory {
  const cache = new ItemCategoriesCache(opts.maxEntries);
  const stop = new AbortController();
  const refill = staleRefiller(cache, inner, stop.signal, opts.log);
  const listLinks = opts.listLinks;
  const loadAll = listLinks ? () => loadEveryLink(cache, listLinks, opts) : () => {};
  const changed = (itemIds: string[]) => {
    cache.invalidate(itemIds);
    if (cache.staleCount > 0) refill();
  };
  if (opts.maxEntries > 0) void keepWatching(cache, watch, stop.signal, opts.log, { changed, loadAll });
  const dropAfter = async <T>(itemId: string, write: Promise<T>): Promise<T> => {
    try {
      return await write;
    } finally {
      changed([itemId]);
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
    async itemsInCategories(categoryIds, limit) {
      return cache.itemsInCategories(categoryIds, limit) ?? inner.itemsInCategories(categoryIds, limit);
    },
    setItemLinks: (itemId, categoryIds, options) => dropAfter(itemId, inner.setItemLinks(itemId, categoryIds, options)),
    async relatedItems(itemId, limit) {
      return cache.relatedItems(itemId, Math.min(limit, MAX_RELATED)) ?? inner.relatedItems(itemId, limit);
    },
    close() {
      stop.abort();
      cache.goDead();
    },
  };
}

/**
 * Watches until `signal` aborts: live on `ready` (then the full load), changes applied as they
 * come (an `all` starts the full load again), retried with backoff when lost.
 */
async function keepWatching(
  cache: ItemCategoriesCache,
  watch: WatchLinks,
  signal: AbortSignal,
  log: Logger,
  on: { changed: (itemIds: string[]) => void; loadAll: () => void },
): Promise<void> {
  let retryMs = FIRST_RETRY_MS;
  while (!signal.aborted) {
    try {
      for await (const change of watch(signal)) {
        if (change.ready) {
          cache.goLive();
          retryMs = FIRST_RETRY_MS;
          log.info("category cache live: watching item link changes");
          on.loadAll();
        } else if (change.all) {
          cache.clear();
          on.loadAll();
        } else on.changed(change.itemIds);
      }
      if (!signal.aborted) log.info("category link watch ended (category service stopping?); reading categories from it");
    } catch (err) {
      if (!signal.aborted)
        log.warn({ cause: ConnectError.from(err).message }, "category link watch lost; reading categories from the category service");
    }
    cache.goDead();
    if (signal.aborted) return;
    await sleep(retryMs, undefined, { signal, ref: false }).catch(() => {}); // an abort ends the wait, and the loop
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }
}

/**
 * Reads every link, a page at a time, and makes the cache whole with them. Begun in the same
 * tick as the watch goes live, so every change after the reads started is known (stale). Ends
 * without effect when overtaken (a clear, the watch lost); a failure leaves the cache as it
 * was, filling as books are read.
 */
async function loadEveryLink(
  cache: ItemCategoriesCache,
  listLinks: ListLinks,
  { maxEntries, log }: { maxEntries: number; log: Logger },
): Promise<void> {
  const load = cache.beginFullLoad();
  const started = performance.now();
  const links = new Map<string, string[]>();
  let pageToken = "";
  try {
    do {
      const page = await listLinks(pageToken);
      if (!cache.isLoading(load)) return;
      for (const item of page.items) links.set(item.itemId, item.categoryIds);
      if (links.size > maxEntries) {
        cache.abandonFullLoad(load);
        log.warn({ maxEntries }, "category cache too small for every item link (CATEGORY_CACHE_SIZE); filling it as books are read");
        return;
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
  } catch (err) {
    cache.abandonFullLoad(load);
    log.warn(
      { cause: ConnectError.from(err).message, items: links.size },
      "category cache could not load every link; filling it as books are read",
    );
    return;
  }
  if (cache.finishFullLoad(load, links)) {
    log.info({ items: links.size, ms: Math.round(performance.now() - started) }, "category cache whole: every item link loaded");
  }
}

/**
 * Returns a trigger that reads stale items again (BatchGetItemCategories, a thousand at a
 * time) until none is left: one run at a time; an item that changed again while it was read
 * stays stale, and the next try waits a little longer.
 */
function staleRefiller(cache: ItemCategoriesCache, inner: CategoryDirectory, signal: AbortSignal, log: Logger): () => void {
  let running = false;
  const run = async () => {
    let waitMs = FIRST_REFILL_RETRY_MS;
    while (cache.staleCount > 0 && !signal.aborted) {
      const before = cache.staleCount;
      try {
        const { ids, epoch } = cache.staleBatch(REFILL_BATCH);
        cache.storeStale(epoch, await inner.categoriesOf(ids));
      } catch (err) {
        if (!signal.aborted)
          log.warn({ cause: ConnectError.from(err).message }, "category cache could not read changed items again; will retry");
      }
      if (cache.staleCount < before) waitMs = FIRST_REFILL_RETRY_MS;
      else {
        await sleep(waitMs, undefined, { signal, ref: false }).catch(() => {}); // an abort ends the wait, and the loop
        waitMs = Math.min(waitMs * 2, MAX_REFILL_RETRY_MS);
      }
    }
  };
  return () => {
    if (running) return;
    running = true;
    void run().finally(() => {
      running = false;
    });
  };
}
