import { ConnectError } from "@connectrpc/connect";
import { inTransaction, type Logger, unavailable } from "@lms/platform";
import type pg from "pg";
import * as links from "../store/category-link.repository.js";
import { isPeerAway } from "./peer-outcome.js";
import type { CategoryDirectory } from "./ports.js";

/** What a write that changes a book's category links needs besides the pool. */
export interface LinkSync {
  categories: Pick<CategoryDirectory, "setItemLinks">;
  log: Logger;
  /** Asks the link reconciler to repair queued items soon. */
  repairSoon(): void;
}

/** A local write and the category set the item must end with (undefined: links untouched). */
export interface LinkedWork<T> {
  result: T;
  links?: readonly string[];
}

/**
 * Runs a write that changes this database and an item's links in the category service so that
 * both happen or neither does (DESIGN.md §6), whatever the peer does after a deadline:
 *
 * 1. the item is queued for the reconciler, committed on its own, before anything is sent;
 * 2. one transaction makes the local changes (the book and its desired set), then sends the
 *    set (SetItemLinks, an idempotent replace keyed by the item) and, once it is acknowledged,
 *    takes the item off the queue and commits;
 * 3. a refusal (NOT_FOUND, …) rolls the local work back and changed nothing there; a call that
 *    ends without an answer (deadline, peer down) also rolls back and answers UNAVAILABLE, and
 *    the reconciler later makes the peer's links match what committed here (the queued item
 *    stays queued for it). So does a COMMIT that fails after the peer acknowledged.
 *
 * Writes of one item take turns on its queue entry, and the reconciler never repairs an item
 * while a write holds it. A write that finds its entry gone (another write or a repair finished
 * meanwhile) queues it again and starts over, holding no connection while it does.
 */
export async function writeWithLinks<T>(
  pool: pg.Pool,
  sync: LinkSync,
  itemId: string,
  bearer: string,
  work: (tx: pg.PoolClient) => Promise<LinkedWork<T>>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await links.queueItem(pool, itemId);
    const written = await writeQueued(pool, sync, itemId, bearer, work);
    if (written !== REPAIRED_MEANWHILE) return written.result;
    // Another write of the item, or a repair, finished and took it off the queue between our
    // queueing and our lock: each such turn is someone else's progress, so this ends.
    if (attempt >= MAX_TURNS) throw unavailable(`book ${itemId} is being changed by many requests at once; try again`);
  }
}

const MAX_TURNS = 100;
const REPAIRED_MEANWHILE = Symbol("repaired meanwhile");

async function writeQueued<T>(
  pool: pg.Pool,
  sync: LinkSync,
  itemId: string,
  bearer: string,
  work: (tx: pg.PoolClient) => Promise<LinkedWork<T>>,
): Promise<{ result: T } | typeof REPAIRED_MEANWHILE> {
  let sent = false;
  let acknowledged = false;
  try {
    return await inTransaction(pool, async (tx) => {
      if (!(await links.lockQueuedItem(tx, itemId))) return REPAIRED_MEANWHILE;
      const { result, links: wanted } = await work(tx);
      if (wanted) {
        sent = true;
        await sync.categories.setItemLinks(itemId, wanted, { bearer });
        acknowledged = true;
      }
      await links.unqueueItem(tx, itemId);
      return { result };
    });
  } catch (err) {
    sync.repairSoon();
    if (sent && !acknowledged && isPeerAway(err)) {
      sync.log.warn(
        { itemId, err: ConnectError.from(err).message },
        `category links of book ${itemId} pending: category service unavailable; nothing changed here, will retry until they match`,
      );
      throw unavailable("category service unavailable: nothing was changed; try again");
    }
    throw err;
  }
}
