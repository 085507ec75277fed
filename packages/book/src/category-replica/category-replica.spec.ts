import { Code, ConnectError } from "@connectrpc/connect";
import { createLogger, unavailable } from "@lms/platform";
import { afterEach, describe, expect, it } from "vitest";
import { answered, UNAVAILABLE } from "../domain/ports.js";
import { type CategoryReplica, createCategoryReplica } from "./category-replica.js";
import { FakeLinkSource, ManualWaits, page } from "./fake-link-source.js";
import type { LinkOwner } from "./link-source.js";

const log = createLogger("category-replica-spec", "silent");
const [c1, c2] = ["c1000000-0000-4000-8000-000000000000", "c2000000-0000-4000-8000-000000000000"];
const [i1, i2] = ["a1000000-0000-4000-8000-000000000000", "a2000000-0000-4000-8000-000000000000"];

/** The category service asked directly: answers from `links`, or fails with `failure`; counts asks. */
function fakeOwner() {
  const state = { asked: 0, failure: undefined as Error | undefined, seq: 0n, links: new Map<string, string[]>() };
  const ask = <T>(value: () => T) => {
    state.asked++;
    if (state.failure) throw state.failure;
    return Promise.resolve(value());
  };
  const owner: LinkOwner = {
    categoriesOf: (ids) => ask(() => new Map(ids.map((id) => [id, state.links.get(id) ?? []]))),
    itemsIn: (categoryId) => ask(() => [...state.links].filter(([, cs]) => cs.includes(categoryId)).map(([id]) => id)),
    related: () => ask(() => new Map<string, number>()),
    setItemLinks: async (itemId, categoryIds) => {
      state.links.set(itemId, [...categoryIds]);
      return { categoryIds: [...categoryIds], missing: [], seq: ++state.seq };
    },
  };
  return { owner, state };
}

const opened: CategoryReplica[] = [];
afterEach(() => {
  for (const r of opened.splice(0)) r.close();
});

async function replicaInSync() {
  const source = new FakeLinkSource();
  source.pages = [page(0, [[i1, [c1]]])];
  const { owner, state } = fakeOwner();
  const replica = createCategoryReplica({ source, owner, log, wait: new ManualWaits().wait });
  opened.push(replica);
  replica.start();
  const watch = await source.nextWatch();
  watch.send([], true);
  await replica.sync.until((s) => s.inSync);
  return { replica, watch, state };
}

describe("category replica (the book service's CategoryDirectory)", () => {
  it("answers from the index once in sync, without asking the category service", async () => {
    const { replica, state } = await replicaInSync();
    expect(await replica.categoriesOf([i1, i2])).toEqual(
      answered(
        new Map([
          [i1, [c1]],
          [i2, []],
        ]),
      ),
    );
    expect(await replica.itemsIn(c1, 10)).toEqual(answered([i1]));
    expect(await replica.related(i1, 10)).toEqual(answered(new Map()));
    expect(state.asked).toBe(0);
  });

  it("asks the category service while not in sync, and answers UNAVAILABLE when it is away", async () => {
    const source = new FakeLinkSource();
    const { owner, state } = fakeOwner();
    state.links.set(i2, [c2]);
    const replica = createCategoryReplica({ source, owner, log, wait: new ManualWaits().wait });
    opened.push(replica);
    expect(await replica.categoriesOf([i2])).toEqual(answered(new Map([[i2, [c2]]])));
    state.failure = unavailable("category service unavailable");
    expect(await replica.itemsIn(c2, 10)).toEqual(UNAVAILABLE);
    state.failure = new ConnectError("the operation timed out", Code.DeadlineExceeded);
    expect(await replica.related(i2, 10)).toEqual(UNAVAILABLE);
    state.failure = new ConnectError("bad request", Code.InvalidArgument);
    await expect(replica.categoriesOf([i2])).rejects.toMatchObject({ code: Code.InvalidArgument });
  });

  it("reads its own write: after SetItemLinks it asks the category service until the write's seq is applied", async () => {
    const { replica, watch, state } = await replicaInSync();
    await replica.setItemLinks(i1, [c2]);
    expect(await replica.categoriesOf([i1])).toEqual(answered(new Map([[i1, [c2]]])));
    expect(state.asked).toBe(1);
    watch.send([[1, i1, [c2]]]);
    await replica.sync.until((s) => s.inSync);
    expect(await replica.categoriesOf([i1])).toEqual(answered(new Map([[i1, [c2]]])));
    expect(state.asked).toBe(1);
  });
});
