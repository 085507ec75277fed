import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import { createServiceClient } from "@lms/platform";
import { type LinkOwner, type LinkSource, MAX_RELATED, SeqNotInLogError, type WatchBatch } from "../category-replica/link-source.js";

/** Largest page ListCategoryItems serves. */
const ITEMS_PAGE = 1000;

/**
 * The category service as the catalogue uses it, over gRPC with the server key and a deadline.
 * Only the reads retry (DESIGN.md §7); the one link write, SetItemLinks, is idempotent, and
 * the caller repeats it itself until it is acknowledged (domain/link-reconciler.ts).
 */
export function createCategoryClient(opts: { address: string; serverKey: string; timeoutMs: number }): LinkOwner & LinkSource {
  const client = createServiceClient(CategoryService, {
    ...opts,
    peer: "category service",
    idempotent: ["BatchGetItemCategories", "ListCategoryItems", "ListRelatedItems", "ListItemLinks"],
  });
  return {
    async categoriesOf(itemIds) {
      if (itemIds.length === 0) return new Map();
      const { items } = await client.batchGetItemCategories({ itemIds: [...itemIds] });
      return new Map(items.map((i) => [i.itemId, i.categoryIds]));
    },
    async itemsIn(categoryId, limit) {
      const ids: string[] = [];
      if (limit <= 0) return ids;
      let pageToken = "";
      do {
        const pageSize = Math.min(ITEMS_PAGE, limit - ids.length);
        const page = await client.listCategoryItems({ categoryIds: [categoryId], pageSize, pageToken });
        ids.push(...page.itemIds);
        pageToken = page.nextPageToken;
      } while (pageToken && ids.length < limit);
      return ids;
    },
    async related(itemId, limit) {
      if (limit <= 0) return new Map();
      const { items } = await client.listRelatedItems({ itemId, limit: Math.min(limit, MAX_RELATED) });
      return new Map(items.map((i) => [i.itemId, i.sharedCategories]));
    },
    async setItemLinks(itemId, categoryIds, options = {}) {
      const headers = options.bearer ? { authorization: `Bearer ${options.bearer}` } : undefined;
      const res = await client.setItemLinks(
        { itemId, categoryIds: [...categoryIds], ignoreMissing: options.ignoreMissing ?? false },
        { headers },
      );
      return { categoryIds: res.categoryIds, missing: res.missingCategoryIds, seq: res.seq };
    },
    async listLinks(pageToken) {
      const page = await client.listItemLinks({ pageToken });
      return { seq: page.seq, items: page.items, nextPageToken: page.nextPageToken };
    },
    async *watchLinks(afterSeq, signal): AsyncGenerator<WatchBatch> {
      try {
        // No deadline: the watch lasts as long as both services run (keep-alive PINGs find a dead peer).
        for await (const m of client.watchItemLinks({ afterSeq }, { signal, timeoutMs: 0 })) {
          yield { changes: m.changes.map(({ seq, itemId, categoryIds }) => ({ seq, itemId, categoryIds })), caughtUp: m.caughtUp };
        }
      } catch (err) {
        const e = ConnectError.from(err);
        const notInLog = e.code === Code.FailedPrecondition && e.findDetails(ErrorInfoSchema).some((i) => i.reason === "SEQ_NOT_IN_LOG");
        throw notInLog ? new SeqNotInLogError(e.rawMessage) : err;
      }
    },
  };
}
