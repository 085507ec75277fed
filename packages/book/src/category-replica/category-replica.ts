import type { Logger } from "@lms/platform";
import { isPeerAway } from "../domain/peer-outcome.js";
import { answered, type CategoryDirectory, type LinkAnswer, UNAVAILABLE } from "../domain/ports.js";
import { LinkIndex } from "./link-index.js";
import { type LinkOwner, type LinkSource, MAX_RELATED } from "./link-source.js";
import { ReplicaSync, type Wait } from "./replica-sync.js";

/** The category directory the book service uses: the replica, and its sync loop to start and stop. */
export interface CategoryReplica extends CategoryDirectory {
  readonly sync: ReplicaSync;
  start(): void;
  close(): void;
}

/**
 * Answers the book service's link questions from a replica of every item link, once it is in
 * sync with the category service's change log (replica-sync.ts). While it is not (starting,
 * re-listing, reconnecting) a read asks the category service itself and keeps nothing; if that
 * is away too, the answer is UNAVAILABLE and the domain falls back to its own record (degraded).
 * Writes go to the category service; the replica is out of sync until it has applied the seq a
 * write was acknowledged with, so a caller always reads its own write.
 */
export function createCategoryReplica(opts: { source: LinkSource; owner: LinkOwner; log: Logger; wait?: Wait }): CategoryReplica {
  const { owner } = opts;
  const index = new LinkIndex();
  const sync = new ReplicaSync(index, opts.source, opts.log, opts.wait);
  return {
    sync,
    async categoriesOf(itemIds) {
      if (sync.inSync) return answered(new Map(itemIds.map((id) => [id, index.categoriesOf(id)])));
      return ask(() => owner.categoriesOf(itemIds));
    },
    async itemsIn(categoryId, limit) {
      if (sync.inSync) return answered(index.itemsIn([categoryId], limit));
      return ask(() => owner.itemsIn(categoryId, limit));
    },
    async related(itemId, limit) {
      if (sync.inSync) return answered(index.related(itemId, Math.min(limit, MAX_RELATED)));
      return ask(() => owner.related(itemId, limit));
    },
    async setItemLinks(itemId, categoryIds, options) {
      const set = await owner.setItemLinks(itemId, categoryIds, options);
      sync.noteWrite(set.seq);
      return { categoryIds: set.categoryIds, missing: set.missing };
    },
    start: () => void sync.run(),
    close: () => sync.close(),
  };
}

/** The category service's own answer, or UNAVAILABLE when it is away. */
async function ask<T>(read: () => Promise<T>): Promise<LinkAnswer<T>> {
  try {
    return answered(await read());
  } catch (err) {
    if (isPeerAway(err)) return UNAVAILABLE;
    throw err;
  }
}
