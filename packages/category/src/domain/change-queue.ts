import { allItemsChanged, type LinkChange } from "./link-change.js";

/** One watcher's changes not yet taken, read by iterating; iteration finishes once ended and empty. */
export interface ChangeQueue extends AsyncIterable<LinkChange> {
  /**
   * Queues a change; the promise settles once the reader has handled it, i.e. came back for the
   * next one (a gRPC handler comes back after Connect has written the message to its stream),
   * or once the change is no longer owed (folded into an `all`, or the queue ended).
   */
  push(change: LinkChange): Promise<void>;
  /** No more changes: what is queued is still read, then iteration finishes. */
  end(): void;
}

interface Pending {
  change: LinkChange;
  delivered: Array<() => void>;
}

/**
 * A queue that never holds more than `limit` changes. A watcher that falls further behind gets
 * one `all` change instead, and while that `all` is still queued it stands for every later change
 * too: the watcher reads it after they committed, so whatever it reads next is fresh anyway.
 */
export function createChangeQueue(limit: number): ChangeQueue {
  let pending: Pending[] = [];
  let inHand: Pending | undefined; // taken by the reader, not yet handled
  let ended = false;
  let wake: (() => void) | undefined;
  const wakeReader = () => {
    wake?.();
    wake = undefined;
  };
  const settle = (p: Pending | undefined) => {
    for (const resolve of p?.delivered ?? []) resolve();
  };
  return {
    push(change) {
      return new Promise<void>((resolve) => {
        const first = pending[0];
        if (ended) return resolve();
        if (first?.change.all) {
          first.delivered.push(resolve);
          return;
        }
        if (change.all || pending.length >= limit) {
          const folded = pending.flatMap((p) => p.delivered);
          pending = [{ change: allItemsChanged(), delivered: [...folded, resolve] }];
        } else pending.push({ change, delivered: [resolve] });
        wakeReader();
      });
    },
    end() {
      ended = true;
      wakeReader();
    },
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          settle(inHand);
          inHand = pending.shift();
          if (inHand) yield inHand.change;
          else if (ended) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        // Nothing more will be read: nobody waits for these any longer.
        settle(inHand);
        for (const p of pending) settle(p);
        inHand = undefined;
        pending = [];
      }
    },
  };
}
