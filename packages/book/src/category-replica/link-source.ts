/**
 * What the replica needs of the category service, as plain types (clients/category.client.ts
 * implements them over gRPC; specs use fakes).
 */

/** One change of the category service's link change log: the item's whole set after `seq`. */
export interface LinkChange {
  seq: bigint;
  itemId: string;
  categoryIds: string[];
}

/** One page of ListItemLinks: every linked item in id order, and the log's seq it was read at. */
export interface LinkPage {
  seq: bigint;
  items: { itemId: string; categoryIds: string[] }[];
  nextPageToken: string;
}

/** One WatchItemLinks message: changes in seq order; `caughtUp` once every committed change was sent. */
export interface WatchBatch {
  changes: LinkChange[];
  caughtUp: boolean;
}

/** The log (list, then watch) the replica follows. */
export interface LinkSource {
  listLinks(pageToken: string): Promise<LinkPage>;
  /** Changes after `afterSeq`; ends or throws when the watch is lost, {@link SeqNotInLogError} when it cannot resume there. */
  watchLinks(afterSeq: bigint, signal: AbortSignal): AsyncIterable<WatchBatch>;
}

/** The log no longer holds (or never held) the seq a watch asked to resume after: list again. */
export class SeqNotInLogError extends Error {
  override readonly name = "SeqNotInLogError";
}

/** Most items one related-items answer holds (the category service's cap). */
export const MAX_RELATED = 1000;

/**
 * The category service asked directly, for the reads the replica answers once in sync, and the
 * one link write. Reads throw as the client does (a peer that is away: UNAVAILABLE, …).
 */
export interface LinkOwner {
  categoriesOf(itemIds: readonly string[]): Promise<Map<string, string[]>>;
  itemsIn(categoryId: string, limit: number): Promise<string[]>;
  related(itemId: string, limit: number): Promise<Map<string, number>>;
  /** SetItemLinks; `seq` is the log's seq holding the result. */
  setItemLinks(
    itemId: string,
    categoryIds: readonly string[],
    options?: { bearer?: string; ignoreMissing?: boolean },
  ): Promise<{ categoryIds: string[]; missing: string[]; seq: bigint }>;
}
