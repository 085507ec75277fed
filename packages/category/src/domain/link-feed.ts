import { randomUUID } from "node:crypto";
import { errorLogFields, type Logger, type Transaction, unavailable } from "@lms/platform";
import { type LinkListener, type LinkNotice, type LinkNoticeHandlers, notifyLinkChange } from "../store/link-channel.js";
import { type ChangeQueue, createChangeQueue } from "./change-queue.js";
import { changeOf, type LinkChange } from "./link-change.js";

/** Opens the LISTEN side of the feed (see `listenToLinkChanges`). */
export type ListenToLinks = (handlers: LinkNoticeHandlers) => Promise<LinkListener>;

/** Every committed change to item links, by any replica, for this process's watchers. */
export interface LinkFeed {
  /**
   * Runs a change to links in the caller's transaction `tx`; the items `work` reports as changed
   * are announced to other replicas inside it (NOTIFY: delivered on COMMIT only) and to this
   * replica's watchers after COMMIT, before the transaction's caller gets its answer: a watcher
   * here has the change before the writer answers.
   */
  changeLinks<T>(tx: Transaction, work: () => Promise<{ result: T; changedItems: readonly string[] }>): Promise<T>;
  /** A watch: every change from now on, until `signal` aborts or the feed ends it. UNAVAILABLE while the feed is down. */
  watch(signal: AbortSignal): AsyncIterable<LinkChange>;
  /** Opens the listener (a failure is retried in the background). */
  start(): Promise<void>;
  /** Ends every watch and refuses new ones (first step of a shutdown). */
  endWatches(): void;
  /** Ends every watch and closes the listener for good. */
  close(): Promise<void>;
}

/** Changes a watcher may fall behind by before they collapse into one `all`. */
const MAX_BEHIND = 1000;
const FIRST_RETRY_MS = 500;
/** Longest a write waits for local watchers to take its change before answering. */
const DELIVERY_WAIT_MS = 1000;
const MAX_RETRY_MS = 10_000;

/**
 * The feed of one replica. With `listen`, it is live only while its listener is: losing the
 * listener ends every watch (a missed notice would leave a cache stale for good) and refuses new
 * ones until it reconnects, with backoff. Without `listen` (a single replica) it is always live.
 */
export function createLinkFeed(opts: { listen: ListenToLinks | undefined; log: Logger }): LinkFeed {
  const origin = randomUUID();
  const watchers = new Set<ChangeQueue>();
  let live = opts.listen === undefined;
  let closed = false;
  let listener: LinkListener | undefined;
  let retryMs = FIRST_RETRY_MS;
  let retry: NodeJS.Timeout | undefined;

  const publish = (change: LinkChange) => Promise.all([...watchers].map((w) => w.push(change)));
  /**
   * Publishes a change made here and waits until every local watcher has it on the wire, so the
   * writer's answer cannot overtake it (a watcher caches what the change makes stale). Connect
   * has written a message to its HTTP/2 stream when the watch comes back for the next one; the
   * session sends it at the end of that event-loop turn, hence the one `setImmediate` after it.
   * A watcher that takes longer than DELIVERY_WAIT_MS is ended: it reconnects and starts clean.
   */
  const publishOwn = async (change: LinkChange) => {
    if (watchers.size === 0) return; // nobody to wait for: the write answers at once
    const slow = new Set(watchers);
    const delivered = [...watchers].map((w) => w.push(change).then(() => slow.delete(w)));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, DELIVERY_WAIT_MS);
    });
    await Promise.race([Promise.all(delivered), late]);
    clearTimeout(timer);
    for (const w of slow) {
      opts.log.warn("a link watcher did not take a change in time; ending its watch");
      watchers.delete(w);
      w.end();
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  const endAll = () => {
    for (const w of watchers) w.end();
    watchers.clear();
  };
  const retryLater = () => {
    if (closed) return;
    retry = setTimeout(() => void connect(), retryMs).unref();
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };
  // Own notices were published right after their COMMIT already.
  const onNotice = (notice: LinkNotice) => {
    if (notice.origin !== origin) void publish(notice.change);
  };
  const onLost = (err: unknown) => {
    listener = undefined;
    live = false;
    endAll();
    opts.log.warn(errorLogFields(err), "link feed listener lost: watches ended, reconnecting");
    retryLater();
  };

  async function connect(): Promise<void> {
    if (!opts.listen || closed) return;
    try {
      const opened = await opts.listen({ onNotice, onLost });
      if (closed) {
        await opened.close();
        return;
      }
      listener = opened;
      live = true;
      retryMs = FIRST_RETRY_MS;
    } catch (err) {
      opts.log.warn({ ...errorLogFields(err), retryMs }, "link feed listener failed to start");
      retryLater();
    }
  }

  return {
    async changeLinks(tx, work) {
      const { result, changedItems } = await work();
      if (changedItems.length > 0) {
        const change = changeOf(changedItems);
        await notifyLinkChange(tx, { origin, change });
        tx.afterCommit(() => publishOwn(change));
      }
      return result;
    },
    watch(signal) {
      if (closed) throw unavailable("the category service is stopping");
      if (!live) throw unavailable("the category service's link feed is down; watch again later");
      const queue = createChangeQueue(MAX_BEHIND);
      const leave = () => {
        watchers.delete(queue);
        queue.end();
      };
      watchers.add(queue);
      signal.addEventListener("abort", leave, { once: true });
      if (signal.aborted) leave();
      return (async function* () {
        try {
          yield* queue;
        } finally {
          signal.removeEventListener("abort", leave);
          leave();
        }
      })();
    },
    start: connect,
    endWatches() {
      closed = true;
      endAll();
    },
    async close() {
      closed = true;
      endAll();
      clearTimeout(retry);
      await listener?.close();
      listener = undefined;
    },
  };
}
