import { createLogger } from "@lms/platform";
import { afterEach, describe, expect, it } from "vitest";
import { FakeLinkSource, ManualWaits, page } from "./fake-link-source.js";
import { LinkIndex } from "./link-index.js";
import { SeqNotInLogError } from "./link-source.js";
import { FIRST_RETRY_MS, ReplicaSync } from "./replica-sync.js";

const log = createLogger("replica-sync-spec", "silent");
const [c1, c2] = ["c1000000-0000-4000-8000-000000000000", "c2000000-0000-4000-8000-000000000000"];
const [i1, i2, i3] = [
  "a1000000-0000-4000-8000-000000000000",
  "a2000000-0000-4000-8000-000000000000",
  "a3000000-0000-4000-8000-000000000000",
];

const running: ReplicaSync[] = [];
afterEach(() => {
  for (const sync of running.splice(0)) sync.close();
});

function start(source: FakeLinkSource) {
  const index = new LinkIndex();
  const waits = new ManualWaits();
  const sync = new ReplicaSync(index, source, log, waits.wait);
  running.push(sync);
  const done = sync.run();
  return { index, waits, sync, done };
}

describe("ReplicaSync (list, then watch after the seq)", () => {
  it("lists every page, watches after the first page's seq, and is in sync only once the watch caught up", async () => {
    const source = new FakeLinkSource();
    source.pages = [page(7, [[i1, [c1]]]), page(9, [[i2, [c1, c2]]])];
    const { index, sync } = start(source);
    const watch = await source.nextWatch();
    expect(watch.afterSeq).toBe(7n);
    expect(sync.status).toEqual({ inSync: false, seq: 7n, items: 2 });
    watch.send([[8, i2, [c2]]], false); // the replay (the page read at 9 already held it)
    watch.send([[9, i3, [c1]]], true);
    await sync.until((s) => s.inSync);
    expect(sync.status).toEqual({ inSync: true, seq: 9n, items: 3 });
    expect(index.itemsIn([c1], 10)).toEqual([i1, i3]);
    watch.send([[10, i1, []]]);
    await sync.until((s) => s.seq === 10n);
    expect(index.categoriesOf(i1)).toEqual([]);
  });

  it("skips changes at or below the seq applied (a replay that overlaps the list)", async () => {
    const source = new FakeLinkSource();
    source.pages = [page(5, [[i1, [c2]]])];
    const { index, sync } = start(source);
    const watch = await source.nextWatch();
    watch.send([
      [4, i1, [c1]],
      [5, i1, [c1]],
      [6, i2, [c1]],
    ]);
    await sync.until((s) => s.inSync);
    expect([index.categoriesOf(i1), index.categoriesOf(i2), sync.status.seq]).toEqual([[c2], [c1], 6n]);
  });

  it("resumes a lost watch after the last change applied, keeping what it holds, with a backoff that doubles until in sync again", async () => {
    const source = new FakeLinkSource();
    source.pages = [page(3, [[i1, [c1]]])];
    const { index, waits, sync } = start(source);
    const first = await source.nextWatch();
    first.send([[4, i2, [c1]]]);
    await sync.until((s) => s.inSync);
    first.fail(new Error("connection reset"));
    await sync.until((s) => !s.inSync);
    await waits.release();
    const second = await source.nextWatch();
    expect(second.afterSeq).toBe(4n);
    second.end(); // the category service stopping
    await waits.release();
    const third = await source.nextWatch();
    third.send([], true);
    await sync.until((s) => s.inSync);
    expect([source.lists, index.itemsIn([c1], 10)]).toEqual([1, [i1, i2]]);
    third.fail(new Error("lost again"));
    await waits.release();
    await source.nextWatch();
    expect(waits.asked).toEqual([FIRST_RETRY_MS, FIRST_RETRY_MS * 2, FIRST_RETRY_MS]);
  });

  it("lists again into a fresh index when the log no longer holds its seq", async () => {
    const source = new FakeLinkSource();
    source.pages = [page(3, [[i1, [c1]]])];
    const { index, waits, sync } = start(source);
    const first = await source.nextWatch();
    first.send([], true);
    await sync.until((s) => s.inSync);
    source.pages = [page(900, [[i2, [c2]]])];
    first.fail(new SeqNotInLogError("pruned"));
    await waits.release();
    const second = await source.nextWatch();
    expect([second.afterSeq, source.lists, index.categoriesOf(i1), index.categoriesOf(i2)]).toEqual([900n, 2, [], [c2]]);
  });

  it("retries a failed list with backoff and watches once a list succeeds", async () => {
    const source = new FakeLinkSource();
    source.listFailure = new Error("category service unavailable");
    const { waits, sync } = start(source);
    await waits.release(); // after the first failure
    await waits.started(); // the second failed too
    source.listFailure = undefined;
    source.pages = [page(2, [])];
    await waits.release();
    const watch = await source.nextWatch();
    watch.send([], true);
    await sync.until((s) => s.inSync);
    expect(source.lists).toBe(3);
  });

  it("is out of sync while a write acknowledged at a later seq is not applied", async () => {
    const source = new FakeLinkSource();
    source.pages = [page(1, [])];
    const { index, sync } = start(source);
    const watch = await source.nextWatch();
    watch.send([], true);
    await sync.until((s) => s.inSync);
    sync.noteWrite(3n);
    expect(sync.inSync).toBe(false);
    watch.send([[2, i1, [c1]]]);
    await sync.until((s) => s.seq === 2n);
    expect(sync.inSync).toBe(false);
    watch.send([[3, i1, [c2]]]);
    await sync.until((s) => s.inSync);
    expect(index.categoriesOf(i1)).toEqual([c2]);
  });

  it("stops on close", async () => {
    const source = new FakeLinkSource();
    const { sync, done } = start(source);
    await source.nextWatch();
    sync.close();
    await done;
    expect(sync.inSync).toBe(false);
  });
});
