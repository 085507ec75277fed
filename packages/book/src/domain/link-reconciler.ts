import { ConnectError } from "@connectrpc/connect";
import { databaseUnavailableCause, inTransaction, type Logger } from "@lms/platform";
import type pg from "pg";
import * as links from "../store/category-link.repository.js";
import { isPeerAway } from "./peer-outcome.js";
import type { CategoryDirectory } from "./ports.js";

/** When the reconciler runs: at once on start, after idle periods, and sooner after failures. */
export interface ReconcilerTiming {
  /** Pause between passes while nothing failed. */
  idleMs: number;
  /** First pause after a failed pass; doubled per failure up to `maxRetryMs`. */
  firstRetryMs: number;
  maxRetryMs: number;
}

export const DEFAULT_RECONCILER_TIMING: ReconcilerTiming = { idleMs: 30_000, firstRetryMs: 250, maxRetryMs: 5_000 };

/** The outcome of one pass over the queue. */
export interface RepairPass {
  repaired: number;
  /** True when a repair failed (the category service away or refusing): the rest waits. */
  failed: boolean;
}

/** Makes the category service's links of queued items match what committed here. */
export interface LinkReconciler {
  /** Repairs queued items, oldest first, until none is left or one fails. */
  repairQueued(): Promise<RepairPass>;
  /** Runs a pass soon (after a write whose links are uncertain). */
  repairSoon(): void;
  start(): void;
  stop(): void;
}

/**
 * The book side of every cross-service link write (see linked-write.ts): each queued item's
 * desired set (a book's set, or none for an item that is no book) is sent with SetItemLinks
 * until acknowledged, then the item leaves the queue in the same transaction. A desired category
 * deleted meanwhile is left out, here as there. Several replicas share the queue (SKIP LOCKED).
 */
export function createLinkReconciler(
  pool: pg.Pool,
  categories: Pick<CategoryDirectory, "setItemLinks">,
  log: Logger,
  timing: ReconcilerTiming = DEFAULT_RECONCILER_TIMING,
): LinkReconciler {
  let timer: NodeJS.Timeout | undefined;
  let dueAt = Number.POSITIVE_INFINITY;
  let running = false;
  let stopped = true;
  let retryMs = timing.firstRetryMs;

  const repairQueued = async (): Promise<RepairPass> => {
    let repaired = 0;
    for (;;) {
      const outcome = await repairOldest(pool, categories, log, () => stopped);
      if (outcome === "none") return { repaired, failed: false };
      if (outcome === "failed") return { repaired, failed: true };
      repaired++;
    }
  };
  const schedule = (ms: number) => {
    if (stopped || Date.now() + ms >= dueAt) return;
    clearTimeout(timer);
    dueAt = Date.now() + ms;
    timer = setTimeout(run, ms);
    timer.unref();
  };
  const run = async () => {
    dueAt = Number.POSITIVE_INFINITY;
    if (running) return schedule(timing.firstRetryMs);
    running = true;
    try {
      const pass = await repairQueued();
      retryMs = pass.failed ? Math.min(retryMs * 2, timing.maxRetryMs) : timing.firstRetryMs;
      schedule(pass.failed ? retryMs : timing.idleMs);
    } finally {
      running = false;
    }
  };
  return {
    repairQueued,
    repairSoon: () => schedule(retryMs),
    start() {
      stopped = false;
      schedule(0);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Repairs the oldest queued item no one holds: "none" when none is left. */
async function repairOldest(
  pool: pg.Pool,
  categories: Pick<CategoryDirectory, "setItemLinks">,
  log: Logger,
  stopping: () => boolean,
): Promise<"repaired" | "failed" | "none"> {
  let itemId: string | undefined;
  try {
    return await inTransaction(pool, async (tx) => {
      itemId = await links.lockOldestQueuedItem(tx);
      if (!itemId) return "none";
      const desired = await links.findDesiredLinks(tx, itemId);
      if (desired.categoryIds === undefined) {
        log.warn({ itemId }, `book ${itemId} predates its recorded category set; its links are left as the category service has them`);
      } else {
        const set = await categories.setItemLinks(itemId, desired.categoryIds, { ignoreMissing: true });
        if (desired.exists && set.missing.length > 0) await links.saveCategorySet(tx, itemId, set.categoryIds);
        const what = desired.exists
          ? `book ${itemId} now linked to [${set.categoryIds.join(", ")}]`
          : `item ${itemId} (no such book) unlinked`;
        log.info({ itemId, missing: set.missing }, `category links repaired: ${what}`);
      }
      await links.unqueueItem(tx, itemId);
      return "repaired";
    });
  } catch (err) {
    if (stopping()) return "failed";
    const dbCause = databaseUnavailableCause(err);
    if (dbCause !== undefined) {
      // Our own database is away: the queue is intact, and the next pass picks it up again.
      log.warn({ cause: dbCause }, "category link reconciler: database unavailable; will retry");
      return "failed";
    }
    if (itemId) await links.requeueItemLast(pool, itemId).catch(() => undefined);
    const message = ConnectError.from(err).message;
    if (isPeerAway(err))
      log.warn({ itemId, err: message }, `category links of book ${itemId} pending: category service unavailable; will retry`);
    else
      log.error(
        { itemId, err: message },
        `category links of book ${itemId} could not be repaired (will retry; if it persists, repair by hand)`,
      );
    return "failed";
  }
}
