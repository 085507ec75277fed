import { unavailable } from "@lms/platform";
import type pg from "pg";
import { readLinkChanges } from "../store/link-change.repository.js";
import { holdsChangesAfter, type LinkChange, seqNotInLog } from "./link-change.js";

/** Most changes one watch message carries (one log read). */
const BATCH = 1000;

/** One message of a watch: changes in seq order; `caughtUp` once the replay reached the head. */
export interface WatchBatch {
  changes: LinkChange[];
  caughtUp: boolean;
}

/**
 * One watcher's position in the log, as the link log sees it: what it has sent, what it has
 * been told was committed, and a way to wait until it has sent a given seq.
 */
export class LinkWatcher {
  /** The last seq handed to the reader (it came back for more: with grpc-js, it is on the wire). */
  sent: bigint;
  /** The highest seq announced as committed; the watcher reads until it has sent it. */
  wanted = 0n;
  /** True once it told its reader it has caught up: from then on writers wait for it. */
  caughtUp = false;
  private ended: Error | "stopping" | undefined;
  private wake: (() => void) | undefined;
  private readonly waiting: { seq: bigint; resolve: () => void }[] = [];

  constructor(after: bigint) {
    this.sent = after;
  }

  /** Changes up to `seq` are committed: read them. */
  announce(seq: bigint): void {
    if (seq > this.wanted) this.wanted = seq;
    this.wakeUp();
  }

  /** Resolves once `seq` is sent, or the watch ended. */
  sentThrough(seq: bigint): Promise<void> {
    if (this.sent >= seq || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ seq, resolve }));
  }

  /** Ends the watch: cleanly when the service stops, with `err` when it fell behind. */
  end(reason: Error | "stopping"): void {
    this.ended ??= reason;
    this.wakeUp();
    this.settle(true);
  }

  /** The watch itself: the log after `sent`, then each announced change, until ended or `signal` aborts. */
  async *batches(pool: pg.Pool, signal: AbortSignal): AsyncGenerator<WatchBatch> {
    const onAbort = () => this.end("stopping");
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      while (!this.stopped()) {
        const { window, changes } = await readLinkChanges(pool, this.sent, BATCH);
        if (!holdsChangesAfter(window, this.sent)) throw seqNotInLog(window, this.sent);
        if (changes.length > 0) {
          yield { changes, caughtUp: this.caughtUp };
          this.sent = changes[changes.length - 1].seq;
          this.settle(false);
        } else if (this.wanted > this.sent) {
          // announced as committed, yet not in this read's snapshot (it began first): read again
        } else if (!this.caughtUp) {
          this.caughtUp = true;
          yield { changes: [], caughtUp: true };
        } else if (!this.ended) await new Promise<void>((resolve) => (this.wake = resolve)); // ended during the read: the loop stops
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.end("stopping");
    }
  }

  private stopped(): boolean {
    if (this.ended instanceof Error) throw this.ended;
    return this.ended === "stopping";
  }

  private wakeUp(): void {
    this.wake?.();
    this.wake = undefined;
  }

  private settle(all: boolean): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i];
      if (all || this.sent >= w.seq) {
        this.waiting.splice(i, 1);
        w.resolve();
      }
    }
  }
}

/** The end of a watch whose reader did not take a change in time: it watches again from its seq. */
export function fellBehind(): Error {
  return unavailable("this watch fell behind the link change log; watch again after the last seq applied");
}
