import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { CategoryDirectory } from "../domain/ports.js";
import { type CachedCategoryDirectory, createCachedCategoryDirectory, type LinkChange } from "./cached-category.client.js";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

/** The category service as the cache sees it: links it answers from, counted reads, an answer that can be held back. */
class FakeInner implements CategoryDirectory {
  links = new Map<string, string[]>([
    [A, ["c1"]],
    [B, ["c2", "c3"]],
  ]);
  reads: string[][] = [];
  hold?: Promise<void>;
  async categoriesOf(itemIds: string[]) {
    this.reads.push(itemIds);
    const answer = new Map(itemIds.map((id) => [id, [...(this.links.get(id) ?? [])]]));
    await this.hold;
    return answer; // what was read before the hold: an answer that may be out of date when it arrives
  }
  async itemsInCategories() {
    return [];
  }
  async replaceItemCategories(itemId: string, categoryIds: string[]) {
    this.links.set(itemId, categoryIds);
    return { added: categoryIds, removed: [] };
  }
  async removeItemLinks(itemId: string) {
    const had = this.links.get(itemId) ?? [];
    this.links.delete(itemId);
    return had;
  }
  async relatedItems() {
    return new Map<string, number>();
  }
}

/** A WatchItemLinks stream the test writes to (push) and ends (end / fail). */
class FakeWatch {
  opened = 0;
  private queue: LinkChange[] = [];
  private wake?: () => void;
  private ended?: Error | "ended";
  watch = (signal: AbortSignal): AsyncIterable<LinkChange> => {
    this.opened++;
    this.ended = undefined;
    signal.addEventListener("abort", () => this.end());
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const next = self.queue.shift();
          if (next) yield next;
          else if (self.ended === "ended") return;
          else if (self.ended) throw self.ended;
          else await new Promise<void>((r) => (self.wake = r));
        }
      },
    };
  };
  push(change: Partial<LinkChange>) {
    this.queue.push({ ready: false, itemIds: [], all: false, ...change });
    this.wake?.();
  }
  end(err?: Error) {
    this.ended = err ?? "ended";
    this.wake?.();
  }
}

const log = pino({ level: "silent" });
const settle = () => new Promise((r) => setTimeout(r, 10));
let directory: CachedCategoryDirectory | undefined;
afterEach(() => directory?.close());

async function liveCache(maxEntries = 100) {
  const inner = new FakeInner();
  const feed = new FakeWatch();
  directory = createCachedCategoryDirectory(inner, feed.watch, { maxEntries, log });
  feed.push({ ready: true });
  await settle();
  return { inner, feed, directory };
}

describe("the category cache", () => {
  it("asks the category service every time until the watch is ready", async () => {
    const inner = new FakeInner();
    const feed = new FakeWatch();
    directory = createCachedCategoryDirectory(inner, feed.watch, { maxEntries: 100, log });
    await directory.categoriesOf([A]);
    await directory.categoriesOf([A]);
    expect(inner.reads).toEqual([[A], [A]]);
    expect(directory.cache.size).toBe(0);
  });

  it("answers a seen item from memory once live, and fetches only the items it has not seen", async () => {
    const { inner, directory } = await liveCache();
    expect(await directory.categoriesOf([A])).toEqual(new Map([[A, ["c1"]]]));
    expect(await directory.categoriesOf([A, B])).toEqual(
      new Map([
        [A, ["c1"]],
        [B, ["c2", "c3"]],
      ]),
    );
    expect(inner.reads).toEqual([[A], [B]]);
  });

  it("fetches an item again after the feed announces a change of its links", async () => {
    const { inner, feed, directory } = await liveCache();
    await directory.categoriesOf([A]);
    inner.links.set(A, ["c9"]);
    feed.push({ itemIds: [A] });
    await settle();
    expect((await directory.categoriesOf([A])).get(A)).toEqual(["c9"]);
  });

  it("drops everything on an `all` change", async () => {
    const { inner, feed, directory } = await liveCache();
    await directory.categoriesOf([A, B]);
    feed.push({ all: true });
    await settle();
    expect(directory.cache.size).toBe(0);
    await directory.categoriesOf([A]);
    expect(inner.reads).toEqual([[A, B], [A]]);
  });

  it("does not keep an answer fetched while a change arrived (it may predate the change)", async () => {
    const { inner, feed, directory } = await liveCache();
    let release = () => {};
    inner.hold = new Promise((r) => (release = r));
    const pending = directory.categoriesOf([A]); // reads ["c1"], answer held back
    inner.links.set(A, ["c9"]);
    feed.push({ itemIds: [A] }); // the change commits and is announced before the old answer arrives
    await settle();
    release();
    expect((await pending).get(A)).toEqual(["c1"]);
    inner.hold = undefined;
    expect((await directory.categoriesOf([A])).get(A)).toEqual(["c9"]);
  });

  it("forgets everything and reads through when the watch is lost, then watches again", async () => {
    const { inner, feed, directory } = await liveCache();
    await directory.categoriesOf([A]);
    feed.end(new Error("connection reset"));
    await settle();
    expect(directory.cache.isLive).toBe(false);
    expect(directory.cache.size).toBe(0);
    await directory.categoriesOf([A]);
    expect(inner.reads).toEqual([[A], [A]]);
    await new Promise((r) => setTimeout(r, 600)); // the first retry comes after 0.5 s
    expect(feed.opened).toBe(2);
    feed.push({ ready: true });
    await settle();
    expect(directory.cache.isLive).toBe(true);
  });

  it("drops an item its own writes changed, even before the feed says so", async () => {
    const { inner, directory } = await liveCache();
    await directory.categoriesOf([A, B]);
    await directory.replaceItemCategories(A, ["c7"], "token");
    await directory.removeItemLinks(B);
    expect(await directory.categoriesOf([A, B])).toEqual(
      new Map([
        [A, ["c7"]],
        [B, []],
      ]),
    );
    expect(inner.reads).toHaveLength(2);
  });

  it("reads through when asked for a fresh answer", async () => {
    const { inner, directory } = await liveCache();
    await directory.categoriesOf([A]);
    await directory.categoriesOf([A], { fresh: true });
    expect(inner.reads).toEqual([[A], [A]]);
  });

  it("keeps at most maxEntries items, evicting the oldest", async () => {
    const { inner, directory } = await liveCache(1);
    await directory.categoriesOf([A]);
    await directory.categoriesOf([B]);
    await directory.categoriesOf([B]);
    await directory.categoriesOf([A]);
    expect(directory.cache.size).toBe(1);
    expect(inner.reads).toEqual([[A], [B], [A]]);
  });

  it("hands out copies, so a caller cannot change what is cached", async () => {
    const { directory } = await liveCache();
    (await directory.categoriesOf([A])).get(A)?.push("mutated");
    expect((await directory.categoriesOf([A])).get(A)).toEqual(["c1"]);
  });

  it("never watches nor keeps anything with a size of 0", async () => {
    const inner = new FakeInner();
    const feed = new FakeWatch();
    directory = createCachedCategoryDirectory(inner, feed.watch, { maxEntries: 0, log });
    await directory.categoriesOf([A]);
    await directory.categoriesOf([A]);
    expect(feed.opened).toBe(0);
    expect(inner.reads).toHaveLength(2);
  });

  it("stops watching on close", async () => {
    const { feed, directory } = await liveCache();
    directory.close();
    await new Promise((r) => setTimeout(r, 600));
    expect(directory.cache.isLive).toBe(false);
    expect(feed.opened).toBe(1);
  });

  describe("preload", () => {
    /** Book ids in pages, as the book table lists them; counts its calls. */
    const pagesOf = (ids: string[]) => {
      const calls: { after: string; limit: number }[] = [];
      const list = async (after: string, limit: number) => {
        calls.push({ after, limit });
        return ids.filter((id) => id > after).slice(0, limit);
      };
      return { list, calls };
    };

    it("fills the cache with every book once the watch is ready, so the first reads need no call", async () => {
      const inner = new FakeInner();
      const feed = new FakeWatch();
      const books = pagesOf([A, B]);
      directory = createCachedCategoryDirectory(inner, feed.watch, { maxEntries: 100, log, preload: books.list });
      await settle();
      expect(books.calls).toEqual([]); // nothing before the watch is live
      feed.push({ ready: true });
      await settle();
      expect(inner.reads).toEqual([[A, B]]);
      expect(books.calls.map((c) => c.after)).toEqual(["", B]);
      expect(await directory.categoriesOf([A, B])).toEqual(
        new Map([
          [A, ["c1"]],
          [B, ["c2", "c3"]],
        ]),
      );
      expect(inner.reads).toHaveLength(1);
    });

    it("loads no more books than the cache holds", async () => {
      const inner = new FakeInner();
      const feed = new FakeWatch();
      const books = pagesOf([A, B]);
      directory = createCachedCategoryDirectory(inner, feed.watch, { maxEntries: 1, log, preload: books.list });
      feed.push({ ready: true });
      await settle();
      expect(books.calls).toEqual([{ after: "", limit: 1 }]);
      expect(inner.reads).toEqual([[A]]);
    });

    it("stops when the watch it started under is lost, keeping nothing it fetched", async () => {
      const inner = new FakeInner();
      const feed = new FakeWatch();
      let release = () => {};
      inner.hold = new Promise((r) => (release = r));
      directory = createCachedCategoryDirectory(inner, feed.watch, { maxEntries: 100, log, preload: pagesOf([A, B]).list });
      feed.push({ ready: true });
      await settle();
      feed.end(new Error("connection reset")); // while the first batch is in flight
      await settle();
      release();
      await settle();
      expect(directory.cache.size).toBe(0);
    });
  });
});
