import { ConnectError } from "@connectrpc/connect";
import { type Executor, type Logger, type Transaction, unavailable } from "@lms/platform";
import * as links from "../store/category-link.repository.js";
import { isPeerAway } from "./peer-outcome.js";
import type { CategoryDirectory } from "./ports.js";

/**
 * A write that changes this database and an item's links in the category service so that both
 * happen or neither does (DESIGN.md §6), whatever the peer does after a deadline. Its caller
 * (rpc/linked-transaction.ts) and the write take these steps:
 *
 * 1. {@link queueLinkedWrite}: the item is queued for the reconciler, committed on its own,
 *    before anything is sent;
 * 2. one transaction: {@link takeLinkTurn} first, then the local changes (the book and its
 *    desired set), then {@link sendLinksBeforeCommit}: just before COMMIT the set is sent
 *    (SetItemLinks, an idempotent replace keyed by the item) and, once it is acknowledged, the
 *    item taken off the queue;
 * 3. a refusal (NOT_FOUND, …) rolls the local work back and changed nothing there; a call that
 *    ends without an answer (deadline, peer down) also rolls back and answers UNAVAILABLE, and
 *    the reconciler later makes the peer's links match what committed here (the queued item
 *    stays queued for it). So does a COMMIT that fails after the peer acknowledged.
 *
 * Writes of one item take turns on its queue entry, and the reconciler never repairs an item
 * while a write holds it. A write that finds its entry gone (another write or a repair finished
 * meanwhile) fails with {@link LinkTurnTaken}: its caller queues the item again and starts over.
 */
export interface LinkSync {
  categories: Pick<CategoryDirectory, "setItemLinks">;
  log: Logger;
  /** Asks the link reconciler to repair queued items soon. */
  repairSoon(): void;
}

/** The item's queue entry was gone when the write came to take its turn: queue it again and start over. */
export class LinkTurnTaken extends Error {
  constructor(readonly itemId: string) {
    super(`the link queue entry of item ${itemId} was taken meanwhile`);
  }
}

/** Step 1: queues the item for the reconciler; on the pool, so it commits before the write's transaction begins. */
export async function queueLinkedWrite(db: Executor, itemId: string): Promise<void> {
  await links.queueItem(db, itemId);
}

/** Step 2, the transaction's first statement: holds the item's queue entry until it ends, or throws {@link LinkTurnTaken}. */
export async function takeLinkTurn(tx: Transaction, itemId: string): Promise<void> {
  if (!(await links.lockQueuedItem(tx, itemId))) throw new LinkTurnTaken(itemId);
}

/**
 * Step 3: just before COMMIT, sends `wanted` as the item's links (none sent when undefined:
 * the write leaves them alone) and takes the item off the queue once acknowledged. A call that
 * leaves unknown what the peer did rolls back as UNAVAILABLE; a refusal rolls back as itself.
 * `bearer` is the caller's token, forwarded to the category service.
 */
export function sendLinksBeforeCommit(
  tx: Transaction,
  sync: LinkSync,
  itemId: string,
  wanted: readonly string[] | undefined,
  bearer: string,
): void {
  tx.beforeCommit(async () => {
    if (wanted) await sendLinks(sync, itemId, wanted, bearer);
    await links.unqueueItem(tx, itemId);
  });
}

async function sendLinks(sync: LinkSync, itemId: string, wanted: readonly string[], bearer: string): Promise<void> {
  try {
    await sync.categories.setItemLinks(itemId, wanted, { bearer });
  } catch (err) {
    if (!isPeerAway(err)) throw err;
    sync.log.warn(
      { itemId, err: ConnectError.from(err).message },
      `category links of book ${itemId} pending: category service unavailable; nothing changed here, will retry until they match`,
    );
    throw unavailable("category service unavailable: nothing was changed; try again");
  }
}
