import { inTransaction, type Transaction, unavailable } from "@lms/platform";
import type pg from "pg";
import { type LinkSync, LinkTurnTaken, queueLinkedWrite } from "../domain/linked-write.js";

/** Turns a write may lose to others before it gives up; each lost turn is someone else's progress. */
const MAX_TURNS = 100;

/**
 * Opens the transaction of a write that changes `itemId`'s links (domain/linked-write.ts):
 * queues the item first (committed on its own), then runs `work` in one transaction, and starts
 * over when another write or a repair took the item off the queue meanwhile, holding no
 * connection while it does. Any other failure wakes the reconciler: the item is still queued.
 */
export async function inLinkedTransaction<T>(
  pool: pg.Pool,
  sync: Pick<LinkSync, "repairSoon">,
  itemId: string,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await queueLinkedWrite(pool, itemId);
    try {
      return await inTransaction(pool, work);
    } catch (err) {
      if (!(err instanceof LinkTurnTaken)) {
        sync.repairSoon();
        throw err;
      }
      if (attempt >= MAX_TURNS) throw unavailable(`book ${itemId} is being changed by many requests at once; try again`);
    }
  }
}
