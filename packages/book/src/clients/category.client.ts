import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import { createServiceClient } from "@lms/platform";
import type { CategoryDirectory } from "../domain/ports.js";
import type { ListLinks, WatchLinks } from "./cached-category.client.js";

/** Largest page ListCategoryItems serves. */
const ITEMS_PAGE = 1000;

/** Most items one ListRelatedItems call returns (the category service's cap). */
export const MAX_RELATED = 1000;

/**
 * The category service as the catalogue uses it, over gRPC with the server key and a deadline.
 * Only the reads retry (DESIGN.md §7); the one link write, SetItemLinks, is idempotent, and
 * the caller repeats it itself until it is acknowledged (domain/link-reconciler.ts).
 */
export function createCategoryDirectoryClient(opts: { address: string; serverKey: string; timeoutMs: number }): CategoryDirectory & {
  watchLinks: WatchLinks;
  listLinks: ListLinks;
} {
  const client = createServiceClient(CategoryService, {
    ...opts,
    peer: "category service",
    idempotent: ["BatchGetItemCategories", "ListCategoryItems", "ListRelatedItems", "ListItemLinks"],
  });
  return {
    async categoriesOf(itemIds) {
      if (itemIds.length === 0) return new Map();
      const { items } = await client.batchGetItemCategories({ itemIds });
      return new Map(items.map((i) => [i.itemId, i.categoryIds]));
    },
    async itemsInCategories(categoryIds, limit) {
      const ids: string[] = [];
      if (limit <= 0 || categoryIds.length === 0) return ids;
      let pageToken = "";
      do {
        const pageSize = Math.min(ITEMS_PAGE, limit - ids.length);
        const page = await client.listCategoryItems({ categoryIds, pageSize, pageToken });
        ids.push(...page.itemIds);
        pageToken = page.nextPageToken;
      } while (pageToken && ids.length < limit);
      return ids;
    },
    async setItemLinks(itemId, categoryIds, options = {}) {
      const headers = options.bearer ? { authorization: `Bearer ${options.bearer}` } : undefined;
      const res = await client.setItemLinks(
        { itemId, categoryIds: [...categoryIds], ignoreMissing: options.ignoreMissing ?? false },
        { headers },
      );
      return { categoryIds: res.categoryIds, missing: res.missingCategoryIds };
    },
    listLinks: (pageToken) => client.listItemLinks({ pageToken }),
    // No deadline: the watch lasts as long as both services run (keep-alive PINGs find a dead peer).
    watchLinks: (signal) => client.watchItemLinks({}, { signal, timeoutMs: 0 }),
    async relatedItems(itemId, limit) {
      if (limit <= 0) return new Map();
      const { items } = await client.listRelatedItems({ itemId, limit: Math.min(limit, MAX_RELATED) });
      return new Map(items.map((i) => [i.itemId, i.sharedCategories]));
    },
  };
}
