import type { LinkPage, LinkSource, WatchBatch } from "./link-source.js";

/** A watch the spec drives by hand: it sends, fails or ends the stream. */
export class FakeWatch implements AsyncIterable<WatchBatch> {
  private readonly queue: (WatchBatch | Error | "end")[] = [];
  private wake: (() => void) | undefined;

  constructor(
    readonly afterSeq: bigint,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener("abort", () => this.push("end"), { once: true });
  }

  send(changes: [seq: number, itemId: string, categoryIds: string[]][], caughtUp = true): void {
    this.push({ changes: changes.map(([seq, itemId, categoryIds]) => ({ seq: BigInt(seq), itemId, categoryIds })), caughtUp });
  }

  fail(err: Error): void {
    this.push(err);
  }

  end(): void {
    this.push("end");
  }

  private push(item: WatchBatch | Error | "end"): void {
    this.queue.push(item);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchBatch> {
    for (;;) {
      const item = this.queue.shift();
      if (item === undefined) await new Promise<void>((resolve) => (this.wake = resolve));
      else if (item === "end" || this.signal.aborted) return;
      else if (item instanceof Error) throw item;
      else yield item;
    }
  }
}

/** A category service's log under a spec's control: pages to list, and each watch as it is opened. */
export class FakeLinkSource implements LinkSource {
  /** The pages the next list reads, in order (tokens "1", "2", …). */
  pages: LinkPage[] = [];
  lists = 0;
  listFailure: Error | undefined;
  private readonly opened: FakeWatch[] = [];
  private readonly waiting: ((w: FakeWatch) => void)[] = [];

  async listLinks(pageToken: string): Promise<LinkPage> {
    if (pageToken === "") this.lists++;
    if (this.listFailure) throw this.listFailure;
    const at = pageToken === "" ? 0 : Number(pageToken);
    const page = this.pages[at] ?? { seq: 0n, items: [], nextPageToken: "" };
    return { ...page, nextPageToken: at + 1 < this.pages.length ? String(at + 1) : "" };
  }

  watchLinks(afterSeq: bigint, signal: AbortSignal): AsyncIterable<WatchBatch> {
    const w = new FakeWatch(afterSeq, signal);
    const waiter = this.waiting.shift();
    if (waiter) waiter(w);
    else this.opened.push(w);
    return w;
  }

  /** The next watch the replica opens. */
  nextWatch(): Promise<FakeWatch> {
    const w = this.opened.shift();
    return w ? Promise.resolve(w) : new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** A page of `items` read at `seq`. */
export function page(seq: number, items: [itemId: string, categoryIds: string[]][]): LinkPage {
  return { seq: BigInt(seq), items: items.map(([itemId, categoryIds]) => ({ itemId, categoryIds })), nextPageToken: "" };
}

/** A backoff the spec ends by hand: each wait is recorded with its length. */
export class ManualWaits {
  readonly asked: number[] = [];
  private readonly pending: (() => void)[] = [];
  private readonly waiting: (() => void)[] = [];

  readonly wait = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      this.asked.push(ms);
      signal.addEventListener("abort", () => resolve(), { once: true });
      this.pending.push(resolve);
      this.waiting.shift()?.();
    });

  /** Resolves once the replica is waiting. */
  async started(): Promise<void> {
    if (this.pending.length === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Ends the next wait (once the replica is waiting). */
  async release(): Promise<void> {
    await this.started();
    this.pending.shift()?.();
  }
}
