import { describe, expect, it } from "vitest";
import { createChangeQueue } from "./change-queue.js";
import type { LinkChange } from "./link-change.js";

const named = (id: string): LinkChange => ({ itemIds: [id], all: false });
const ALL: LinkChange = { itemIds: [], all: true };

async function drain(queue: AsyncIterable<LinkChange>): Promise<LinkChange[]> {
  const seen: LinkChange[] = [];
  for await (const change of queue) seen.push(change);
  return seen;
}

describe("createChangeQueue", () => {
  it("gives the changes in order, then finishes once ended and empty", async () => {
    const queue = createChangeQueue(10);
    void queue.push(named("a"));
    void queue.push(named("b"));
    queue.end();
    void queue.push(named("late"));
    expect(await drain(queue)).toEqual([named("a"), named("b")]);
  });

  it("wakes a waiting reader when a change comes", async () => {
    const queue = createChangeQueue(10);
    const reading = drain(queue);
    void queue.push(named("a"));
    await Promise.resolve();
    void queue.push(named("b"));
    queue.end();
    expect(await reading).toEqual([named("a"), named("b")]);
  });

  it("replaces a backlog past the limit with one `all`, which stands for later changes until read", async () => {
    const queue = createChangeQueue(2);
    for (const id of ["a", "b", "c", "d"]) void queue.push(named(id));
    const reader = queue[Symbol.asyncIterator]();
    expect((await reader.next()).value).toEqual(ALL);
    void queue.push(named("e"));
    queue.end();
    expect(await drain({ [Symbol.asyncIterator]: () => reader })).toEqual([named("e")]);
  });

  it("lets an `all` change replace whatever is queued", async () => {
    const queue = createChangeQueue(10);
    void queue.push(named("a"));
    void queue.push(ALL);
    void queue.push(named("b"));
    queue.end();
    expect(await drain(queue)).toEqual([ALL]);
  });
});

describe("createChangeQueue delivery", () => {
  const settled = async (p: Promise<void>) => {
    let done = false;
    void p.then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    return done;
  };

  it("settles a push only once the reader has handled it and comes back for the next", async () => {
    const queue = createChangeQueue(10);
    const reader = queue[Symbol.asyncIterator]();
    const delivered = queue.push(named("a"));
    expect(await settled(delivered)).toBe(false);
    expect((await reader.next()).value).toEqual(named("a")); // taken, being handled
    expect(await settled(delivered)).toBe(false);
    const next = reader.next(); // handled: back for more
    expect(await settled(delivered)).toBe(true);
    queue.end();
    expect((await next).done).toBe(true);
  });

  it("settles pushes folded into an `all` once that `all` is handled", async () => {
    const queue = createChangeQueue(1);
    const reader = queue[Symbol.asyncIterator]();
    const first = queue.push(named("a"));
    const second = queue.push(named("b")); // past the limit: both become one `all`
    const third = queue.push(named("c")); // stands behind the queued `all`
    expect((await reader.next()).value).toEqual(ALL);
    expect(await settled(first)).toBe(false);
    void reader.next();
    expect([await settled(first), await settled(second), await settled(third)]).toEqual([true, true, true]);
  });

  it("settles what nobody will read any more when the reader stops or the queue has ended", async () => {
    const queue = createChangeQueue(10);
    const reader = queue[Symbol.asyncIterator]();
    const taken = queue.push(named("a"));
    const waiting = queue.push(named("b"));
    await reader.next();
    await reader.return?.();
    expect([await settled(taken), await settled(waiting)]).toEqual([true, true]);
    queue.end();
    expect(await settled(queue.push(named("late")))).toBe(true);
  });
});
