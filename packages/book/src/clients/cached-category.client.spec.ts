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
  memberReads = 0;
  async itemsInCategories(categoryIds: string[], limit: number) {
    this.memberReads++;
    const ids = [...this.links].filter(([, cs]) => cs.some((c) => categoryIds.includes(c))).map(([id]) => id);
    return ids.sort().slice(0, limit);
  }
  async setItemLinks(itemId: string, categoryIds: readonly string[]) {
    if (categoryIds.length === 0) this.links.delete(itemId);
    else this.links.set(itemId, [...categoryIds]);
    return { categoryIds: [...categoryIds], missing: [] };
  }
  async relatedItems(itemId: string, limit: number) {
    this.memberReads++;
    const mine = this.links.get(itemId) ?? [];
    const shared = [...this.links]
      .filter(([id]) => id !== itemId)
      .map(([id, cs]) => [id, cs.filter((c) => mine.includes(c)).length] as [string, number])
      .filter(([, n]) => n > 0)
      .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1));
    return new Map(shared.slice(0, limit));
  }
  /** ListItemLinks, `pageSize` items a page, read when called (a held page reads before the hold). */
  listLinksCalls = 0;
  listHold?: Promise<void>;
  listLinks = async (pageToken: string, pageSize = 1) => {
    this.listLinksCalls++;
    const linked = [...this.links].filter(([, cs]) => cs.length > 0).sort(([a], [b]) => (a < b ? -1 : 1));
    const rest = linked.filter(([id]) => id > pageToken);
    const items = rest.slice(0, pageSize).map(([itemId, categoryIds]) => ({ itemId, categoryIds: [...categoryIds] }));
    await this.listHold;
    return { items, nextPageToken: rest.length > pageSize ? (items[items.length - 1]?.itemId ?? "") : "" };
  };
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
    await directory.setItemLinks(A, ["c7"]);
    await directory.setItemLinks(B, []);
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

  describe("whole (every link loaded)", () => {
    const C = "00000000-0000-4000-8000-00000000000c";
    const UNLINKED = "00000000-0000-4000-8000-0000000000ff";

    async function wholeCache(maxEntries = 100) {
      const inner = new FakeInner();
      inner.links.set(C, ["c2"]);
      const feed = new FakeWatch();
      directory = createCachedCategoryDirectory(inner, feed.watch, { maxEntries, log, listLinks: (t) => inner.listLinks(t) });
      await settle();
      expect(inner.listLinksCalls).toBe(0); // nothing before the watch is live
      feed.push({ ready: true });
      await settle();
      return { inner, feed, directory };
    }

    /** What the cache answers for membership, beside what the category service answers. */
    async function bothAnswers(d: CachedCategoryDirectory, inner: FakeInner) {
      const ask = async (dir: CategoryDirectory) => ({
        c1: await dir.itemsInCategories(["c1"], 10),
        c2: await dir.itemsInCategories(["c2"], 10),
        c2c3: await dir.itemsInCategories(["c3", "c2"], 10),
        firstOfC2: await dir.itemsInCategories(["c2"], 1),
        relatedB: [...(await dir.relatedItems(B, 10))],
        relatedA: [...(await dir.relatedItems(A, 10))],
        relatedBFirst: [...(await dir.relatedItems(B, 1))],
      });
      const reads = inner.memberReads;
      const cached = await ask(d);
      const cachedReads = inner.memberReads - reads;
      return { cached, cachedReads, truth: await ask(inner) };
    }

    it("reads every link once the watch is ready, then answers categories, members and related items as the service would, without a call", async () => {
      const { inner, directory } = await wholeCache();
      expect(inner.listLinksCalls).toBe(3); // one item a page
      expect(directory.cache.isWhole).toBe(true);
      expect(await directory.categoriesOf([A, B, UNLINKED])).toEqual(
        new Map([
          [A, ["c1"]],
          [B, ["c2", "c3"]],
          [UNLINKED, []],
        ]),
      );
      expect(inner.reads).toEqual([]);
      const { cached, cachedReads, truth } = await bothAnswers(directory, inner);
      expect(cachedReads).toBe(0);
      expect(cached).toEqual(truth);
      expect(cached.c2).toEqual([B, C]);
      expect(cached.relatedB).toEqual([[C, 1]]);
    });

    it("reads a changed item again in the background, asking the service about membership until then", async () => {
      const { inner, feed, directory } = await wholeCache();
      let release = () => {};
      inner.hold = new Promise((r) => (release = r));
      inner.links.set(A, ["c2", "c3"]);
      feed.push({ itemIds: [A] });
      await settle();
      expect(directory.cache.isWhole).toBe(false); // A is being read again, held back
      const during = await bothAnswers(directory, inner);
      expect(during.cachedReads).toBeGreaterThan(0);
      expect(during.cached).toEqual(during.truth);
      release();
      await settle();
      expect(directory.cache.isWhole).toBe(true);
      const after = await bothAnswers(directory, inner);
      expect(after.cachedReads).toBe(0);
      expect(after.cached).toEqual(after.truth);
      expect(after.cached.relatedB).toEqual([
        [A, 2],
        [C, 1],
      ]);
    });

    it("does not keep a changed item's answer read before it changed again", async () => {
      const { inner, feed, directory } = await wholeCache();
      let release = () => {};
      inner.hold = new Promise((r) => (release = r));
      inner.links.set(A, ["c2"]);
      feed.push({ itemIds: [A] });
      await settle(); // A read again as c2, answer held back
      inner.hold = undefined;
      inner.links.set(A, ["c3"]);
      feed.push({ itemIds: [A] });
      await settle();
      release();
      await new Promise((r) => setTimeout(r, 100)); // the refill tries again after a short wait
      expect(directory.cache.isWhole).toBe(true);
      expect(await directory.categoriesOf([A])).toEqual(new Map([[A, ["c3"]]]));
      expect(await directory.itemsInCategories(["c2"], 10)).toEqual([B, C]);
    });

    it("sees its own writes at once: the item is stale until read again", async () => {
      const { inner, directory } = await wholeCache();
      await directory.setItemLinks(UNLINKED, ["c1"]);
      expect(await directory.itemsInCategories(["c1"], 10)).toEqual([A, UNLINKED]);
      await settle();
      expect(directory.cache.isWhole).toBe(true);
      expect((await bothAnswers(directory, inner)).cached.c1).toEqual([A, UNLINKED]);
      await directory.setItemLinks(A, []);
      expect(await directory.itemsInCategories(["c1"], 10)).toEqual([UNLINKED]);
      await settle();
      expect(await directory.categoriesOf([A])).toEqual(new Map([[A, []]]));
    });

    it("keeps an item's new links, not what the load read, when it changed while the load ran", async () => {
      const inner = new FakeInner();
      const feed = new FakeWatch();
      let release = () => {};
      inner.listHold = new Promise((r) => (release = r));
      directory = createCachedCategoryDirectory(inner, feed.watch, { maxEntries: 100, log, listLinks: (t) => inner.listLinks(t, 10) });
      feed.push({ ready: true });
      await settle(); // the one page has read A → c1 and is held back
      inner.links.set(A, ["c3"]);
      feed.push({ itemIds: [A] });
      await settle();
      release();
      await settle();
      expect(directory.cache.isWhole).toBe(true);
      expect(await directory.categoriesOf([A])).toEqual(new Map([[A, ["c3"]]]));
      const { cached, truth } = await bothAnswers(directory, inner);
      expect(cached).toEqual(truth);
      expect(cached.c1).toEqual([]);
    });

    // Even: every category about a third of the items. Skewed: one category holds most items and
    // the others few, the shape where related items are found from the small categories first.
    it.each([
      ["even", () => 3],
      ["skewed", (c: string) => (c === "c1" ? 1.1 : 8)],
    ])("answers as the service does through any number of link changes, limits included (%s categories)", async (_, oneIn) => {
      const inner = new FakeInner();
      const feed = new FakeWatch();
      const items = Array.from({ length: 60 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
      const categories = ["c1", "c2", "c3", "c4", "c5"];
      let seed = 7;
      const next = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const someCategories = () => categories.filter((c) => next(1000) < 1000 / oneIn(c));
      inner.links = new Map(items.map((id) => [id, someCategories()]));
      directory = createCachedCategoryDirectory(inner, feed.watch, { maxEntries: 100, log, listLinks: (t) => inner.listLinks(t, 7) });
      feed.push({ ready: true });
      await settle();
      for (let round = 0; round < 6; round++) {
        expect(directory.cache.isWhole).toBe(true);
        for (const limit of [1, 3, 100]) {
          for (const c of categories) {
            const before = inner.memberReads;
            const cached = await directory.itemsInCategories([c], limit);
            expect(inner.memberReads).toBe(before);
            expect(cached).toEqual(await inner.itemsInCategories([c], limit));
          }
          expect(await directory.itemsInCategories(["c2", "c4"], limit)).toEqual(await inner.itemsInCategories(["c2", "c4"], limit));
          for (const id of items.slice(0, 10)) {
            expect([...(await directory.relatedItems(id, limit))]).toEqual([...(await inner.relatedItems(id, limit))]);
          }
        }
        const changed = items.filter(() => next(4) === 0);
        for (const id of changed) inner.links.set(id, someCategories());
        feed.push({ itemIds: changed });
        await settle();
      }
    });

    it("keeps retrying a changed item the service could not answer", async () => {
      const { inner, feed, directory } = await wholeCache();
      const categoriesOf = inner.categoriesOf.bind(inner);
      let failures = 1;
      inner.categoriesOf = async (ids: string[]) => {
        if (failures-- > 0) throw new Error("unavailable");
        return categoriesOf(ids);
      };
      feed.push({ itemIds: [B] });
      await new Promise((r) => setTimeout(r, 100));
      expect(directory.cache.isWhole).toBe(true);
      expect(failures).toBeLessThan(0);
    });

    it("loads every link again after an `all` change", async () => {
      const { inner, feed, directory } = await wholeCache();
      inner.links.set(UNLINKED, ["c1"]);
      feed.push({ all: true });
      await settle();
      expect(inner.listLinksCalls).toBe(7);
      expect(directory.cache.isWhole).toBe(true);
      expect(await directory.itemsInCategories(["c1"], 10)).toEqual([A, UNLINKED]);
    });

    it("is never whole when the links do not fit, and asks the service", async () => {
      const { inner, directory } = await wholeCache(2);
      expect(directory.cache.isWhole).toBe(false);
      expect(await directory.itemsInCategories(["c2"], 10)).toEqual([B, C]);
      expect(inner.memberReads).toBe(1);
      expect(await directory.categoriesOf([UNLINKED])).toEqual(new Map([[UNLINKED, []]]));
      expect(inner.reads).toEqual([[UNLINKED]]);
    });

    it("keeps nothing of a load overtaken by a lost watch", async () => {
      const inner = new FakeInner();
      const feed = new FakeWatch();
      let release = () => {};
      inner.listHold = new Promise((r) => (release = r));
      directory = createCachedCategoryDirectory(inner, feed.watch, { maxEntries: 100, log, listLinks: (t) => inner.listLinks(t, 10) });
      feed.push({ ready: true });
      await settle();
      feed.end(new Error("connection reset")); // while the page is in flight
      await settle();
      release();
      await settle();
      expect(directory.cache.size).toBe(0);
      expect(directory.cache.isWhole).toBe(false);
    });
  });
});
