import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@lms/platform";
import type { LinkIndex } from "./link-index.js";
import { type LinkChange, type LinkSource, SeqNotInLogError } from "./link-source.js";

/** Waits `ms`, or less when `signal` aborts (specs pass one they settle by hand). */
export type Wait = (ms: number, signal: AbortSignal) => Promise<void>;

const waitFor: Wait = (ms, signal) => sleep(ms, undefined, { signal, ref: false }).catch(() => undefined);

export const FIRST_RETRY_MS = 100;
export const MAX_RETRY_MS = 5000;

/** What the replica is doing, for logs and specs. */
export interface ReplicaStatus {
  /** Every change up to `seq` is applied and the watch is live: the index may answer. */
  inSync: boolean;
  /** The last change applied (after a list: the seq its first page was read at). */
  seq: bigint;
  /** Items with links in the index. */
  items: number;
}

/**
 * Keeps `index` equal to the category service's links, the list-then-watch way (as Kubernetes
 * informers do): list every link with the log's seq, then watch the log after that seq. A lost
 * watch resumes after the last change applied, with backoff; only a seq the log no longer
 * holds means listing again. In sync from the watch's `caughtUp` until the watch is lost, and
 * never while a write acknowledged here (`noteWrite`) is not applied yet.
 */
export class ReplicaSync {
  private listed = false;
  private caughtUp = false;
  private applied = 0n;
  private required = 0n;
  private readonly stop = new AbortController();
  private readonly listeners = new Set<() => void>();
  private retryMs = FIRST_RETRY_MS;

  constructor(
    private readonly index: LinkIndex,
    private readonly source: LinkSource,
    private readonly log: Logger,
    private readonly wait: Wait = waitFor,
  ) {}

  get status(): ReplicaStatus {
    return { inSync: this.inSync, seq: this.applied, items: this.index.size };
  }

  get inSync(): boolean {
    return this.listed && this.caughtUp && this.applied >= this.required;
  }

  /** A write here was acknowledged at `seq`: not in sync until that change is applied. */
  noteWrite(seq: bigint): void {
    if (seq > this.required) this.required = seq;
  }

  /** Resolves once `test` holds, checked after every change of state. */
  until(test: (s: ReplicaStatus) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!test(this.status)) return;
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Runs until `close`; never throws. */
  async run(): Promise<void> {
    const signal = this.stop.signal;
    while (!signal.aborted) {
      try {
        if (!this.listed) await this.list(signal);
        for await (const batch of this.source.watchLinks(this.applied, signal)) {
          this.apply(batch.changes);
          if (batch.caughtUp && !this.caughtUp) this.wentLive();
          this.changed();
        }
        if (!signal.aborted) this.log.info("category link watch ended (category service stopping?); resuming after the last change");
      } catch (err) {
        if (err instanceof SeqNotInLogError) this.listed = false;
        if (!signal.aborted) this.log.warn({ cause: String((err as Error)?.message ?? err) }, this.lostMessage(err));
      }
      this.caughtUp = false;
      this.changed();
      if (signal.aborted) return;
      await this.wait(this.retryMs, signal);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    }
  }

  close(): void {
    this.stop.abort();
  }

  /** Reads every link into a fresh index; the watch then resumes after the first page's seq. */
  private async list(signal: AbortSignal): Promise<void> {
    const started = performance.now();
    this.index.clear();
    this.changed();
    let pageToken = "";
    let first: bigint | undefined;
    do {
      const page = await this.source.listLinks(pageToken);
      if (signal.aborted) return;
      first ??= page.seq;
      for (const item of page.items) this.index.set(item.itemId, item.categoryIds);
      pageToken = page.nextPageToken;
    } while (pageToken);
    this.applied = first ?? 0n;
    this.listed = true;
    const ms = Math.round(performance.now() - started);
    this.log.info({ items: this.index.size, seq: this.applied.toString(), ms }, "category replica listed every item link");
  }

  private apply(changes: readonly LinkChange[]): void {
    for (const change of changes) {
      if (change.seq <= this.applied) continue; // a list page already held it
      this.index.set(change.itemId, change.categoryIds);
      this.applied = change.seq;
    }
  }

  private wentLive(): void {
    this.caughtUp = true;
    this.retryMs = FIRST_RETRY_MS;
    this.log.info({ seq: this.applied.toString(), items: this.index.size }, "category replica in sync: watching item link changes");
  }

  private lostMessage(err: unknown): string {
    return err instanceof SeqNotInLogError
      ? "category link log no longer holds the replica's seq; listing every link again"
      : "category link watch lost; reads ask the category service until the replica is back in sync";
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
