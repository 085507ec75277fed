import { errorLogFields, type Logger, type Transaction, unavailable } from "@lms/platform";
import type pg from "pg";
import { appendLinkChanges, findHeadSeq, pruneLinkChanges } from "../store/link-change.repository.js";
import { fellBehind, LinkWatcher, type WatchBatch } from "./link-watch.js";

/** The item link change log of one replica: writes append to it, watches read it. */
export interface LinkLog {
  /**
   * Runs a change to links in the caller's transaction and appends the items `work` reports as
   * changed to the log in it, last. Once committed, this replica's caught-up watches have sent
   * the change before the transaction's caller gets its result (an afterCommit hook), so a
   * replica watching here has it before the writer answers. Answers the log's seq holding the
   * result: the change's, or the head when nothing changed.
   */
  changeLinks<T>(tx: Transaction, work: () => Promise<{ result: T; changedItems: readonly string[] }>): Promise<{ result: T; seq: bigint }>;
  /** Every change after `after`, then each new one, until `signal` aborts or the log ends the watch. */
  watch(after: bigint, signal: AbortSignal): AsyncIterable<WatchBatch>;
  /** Starts polling for other replicas' changes and pruning. */
  start(): void;
  /** Ends every watch and refuses new ones (first step of a shutdown). */
  endWatches(): void;
  /** Stops the timers. */
  close(): void;
}

export interface LinkLogTiming {
  /** How often the head is read while anyone watches: other replicas' commits show up within it. */
  pollMs: number;
  /** How long a write waits for a caught-up watch to send its change before ending that watch. */
  deliveryWaitMs: number;
  /** How long changes are kept: a replica away longer lists again. */
  retentionMs: number;
  /** How often old changes are pruned. */
  pruneEveryMs: number;
}

const DEFAULT_TIMING: LinkLogTiming = { pollMs: 1000, deliveryWaitMs: 1000, retentionMs: 24 * 3600_000, pruneEveryMs: 3600_000 };

/**
 * Changes committed here wake this replica's watches at once; changes other replicas commit are
 * noticed by reading the head every `pollMs` while anyone watches. The log itself is the only
 * channel: a missed wake-up only delays a change, never loses it.
 */
export function createLinkLog(pool: pg.Pool, log: Logger, timing: Partial<LinkLogTiming> = {}): LinkLog {
  const t = { ...DEFAULT_TIMING, ...timing };
  const watchers = new Set<LinkWatcher>();
  const timers: NodeJS.Timeout[] = [];
  let head = 0n;
  let closed = false;

  const announce = (seq: bigint) => {
    if (seq > head) head = seq;
    for (const w of watchers) w.announce(seq);
  };
  /** Waits until every caught-up watch has sent `seq`; one that takes too long is ended (it resumes from its seq). */
  const delivered = async (seq: bigint) => {
    const waits = [...watchers].filter((w) => w.caughtUp && w.sent < seq);
    if (waits.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), t.deliveryWaitMs);
    });
    await Promise.race([Promise.all(waits.map((w) => w.sentThrough(seq))), late]);
    clearTimeout(timer);
    for (const w of waits.filter((w) => w.sent < seq && watchers.has(w))) {
      log.warn({ seq: seq.toString() }, "a link watch did not take a change in time; ending it (it resumes from its seq)");
      w.end(fellBehind());
    }
  };
  const poll = async () => {
    if (watchers.size === 0) return;
    try {
      const latest = await findHeadSeq(pool);
      if (latest > head) announce(latest);
    } catch {
      // the watches' own reads fail and end them; nothing to add here
    }
  };
  const prune = async () => {
    try {
      const pruned = await pruneLinkChanges(pool, new Date(Date.now() - t.retentionMs));
      if (pruned > 0) log.info({ pruned }, "link change log pruned");
    } catch (err) {
      log.warn(errorLogFields(err), "link change log could not be pruned; will retry");
    }
  };

  return {
    async changeLinks(tx, work) {
      const { result, changedItems } = await work();
      if (changedItems.length === 0) return { result, seq: await findHeadSeq(tx) };
      const seq = await appendLinkChanges(tx, changedItems);
      tx.afterCommit(async () => {
        announce(seq);
        await delivered(seq);
      });
      return { result, seq };
    },
    watch(after, signal) {
      if (closed) throw unavailable("the category service is stopping");
      const watcher = new LinkWatcher(after);
      watchers.add(watcher);
      const batches = watcher.batches(pool, signal);
      return (async function* () {
        try {
          yield* batches;
        } finally {
          watchers.delete(watcher);
        }
      })();
    },
    start() {
      timers.push(setInterval(() => void poll(), t.pollMs).unref());
      timers.push(setInterval(() => void prune(), t.pruneEveryMs).unref());
      void prune();
    },
    endWatches() {
      closed = true;
      for (const w of watchers) w.end("stopping");
    },
    close() {
      closed = true;
      for (const timer of timers) clearInterval(timer);
      for (const w of watchers) w.end("stopping");
    },
  };
}
