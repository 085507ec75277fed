import { Code, ConnectError } from "@connectrpc/connect";
import { retryAfterSecondsOf } from "@lms/platform";
import { describe, expect, it } from "vitest";
import type { PasswordHasher } from "./password-hasher.js";
import { createBoundedHasher } from "./password-queue.js";

/** A hasher whose calls wait until released, counting how many started. */
function gatedHasher() {
  const gates: (() => void)[] = [];
  const started: string[] = [];
  const gated = <T>(what: string, value: T) => {
    started.push(what);
    return new Promise<T>((resolve) => gates.push(() => resolve(value)));
  };
  const hasher: PasswordHasher = {
    hash: (password) => gated(`hash ${password}`, "h"),
    verify: (_hash, password) => gated(`verify ${password}`, true),
    verifyNothing: (password) => gated(`nothing ${password}`, false),
  };
  const releaseOne = async () => {
    (gates.shift() as () => void)();
    await new Promise((r) => setImmediate(r));
  };
  return { hasher, started, releaseOne };
}

describe("createBoundedHasher", () => {
  it("runs at most `concurrency` at once, the rest in order", async () => {
    const { hasher, started, releaseOne } = gatedHasher();
    const bounded = createBoundedHasher(hasher, { concurrency: 2, maxQueued: 10 });
    const calls = ["a", "b", "c", "d"].map((p) => bounded.verify("x", p));
    expect(started).toEqual(["verify a", "verify b"]);
    expect(bounded.state()).toMatchObject({ running: 2, queued: 2 });
    await releaseOne();
    expect(started).toEqual(["verify a", "verify b", "verify c"]);
    for (let i = 0; i < 3; i++) await releaseOne();
    expect(await Promise.all(calls)).toEqual([true, true, true, true]);
    expect(bounded.state()).toMatchObject({ running: 0, queued: 0 });
  });

  it("refuses work beyond the queue with UNAVAILABLE and a retry delay", async () => {
    const { hasher, releaseOne } = gatedHasher();
    const bounded = createBoundedHasher(hasher, { concurrency: 1, maxQueued: 1 });
    const running = bounded.hash("a");
    const queued = bounded.hash("b");
    const refused = await bounded.hash("c").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.Unavailable);
    expect(retryAfterSecondsOf(refused as ConnectError)).toBeGreaterThanOrEqual(1);
    expect(bounded.state().shed).toBe(1);
    await releaseOne();
    await releaseOne();
    await expect(Promise.all([running, queued])).resolves.toEqual(["h", "h"]);
  });

  it("drops queued work whose caller went away: it never runs", async () => {
    const { hasher, started, releaseOne } = gatedHasher();
    const bounded = createBoundedHasher(hasher, { concurrency: 1, maxQueued: 5 });
    const first = bounded.verify("x", "first");
    const gone = new AbortController();
    const abandoned = bounded.verify("x", "abandoned", gone.signal);
    const last = bounded.verifyNothing("last");
    gone.abort();
    await expect(abandoned).rejects.toMatchObject({ code: Code.Canceled });
    await releaseOne();
    await releaseOne();
    expect(await Promise.all([first, last])).toEqual([true, false]);
    expect(started).toEqual(["verify first", "nothing last"]);
    expect(bounded.state()).toMatchObject({ dropped: 1, queued: 0 });
  });

  it("refuses at once a call whose caller is already gone", async () => {
    const { hasher, started } = gatedHasher();
    const bounded = createBoundedHasher(hasher, { concurrency: 1, maxQueued: 5 });
    await expect(bounded.hash("a", AbortSignal.abort())).rejects.toMatchObject({ code: Code.Canceled });
    expect(started).toEqual([]);
    expect(bounded.state().dropped).toBe(1);
  });
});
