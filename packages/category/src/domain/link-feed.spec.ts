import { Code, ConnectError } from "@connectrpc/connect";
import { createLogger, inTransaction, notFound } from "@lms/platform";
import type pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LinkNoticeHandlers } from "../store/link-channel.js";
import type { LinkChange } from "./link-change.js";
import { createLinkFeed, type LinkFeed, type ListenToLinks } from "./link-feed.js";

const log = createLogger("link-feed-spec", "silent");
const named = (...itemIds: string[]): LinkChange => ({ itemIds, all: false });

/** A listener under the spec's control: each `listen` call is one connection attempt. */
function fakeListener() {
  const state = { attempts: 0, failNext: false, closed: 0, handlers: undefined as LinkNoticeHandlers | undefined };
  const listen: ListenToLinks = async (handlers) => {
    state.attempts++;
    if (state.failNext) throw new Error("connection refused");
    state.handlers = handlers;
    return { close: async () => void state.closed++ };
  };
  return { listen, state };
}

/** A pool whose one client records each statement; `pg_notify` payloads are kept apart. */
function fakePool() {
  const statements: string[] = [];
  const notices: { origin: string; itemIds: string[]; all: boolean }[] = [];
  const client = {
    async query(sql: string, params: unknown[] = []) {
      statements.push(sql.includes("pg_notify") ? "NOTIFY" : sql);
      if (sql.includes("pg_notify")) notices.push(JSON.parse(String(params[1])));
      return { rows: [], rowCount: 0 };
    },
    release() {},
  };
  return { pool: { connect: async () => client } as unknown as pg.Pool, statements, notices };
}

/** A change to links in its own transaction, as an rpc handler makes one. */
function changeIn<T>(feed: LinkFeed, pool: pg.Pool, work: () => Promise<{ result: T; changedItems: readonly string[] }>) {
  return inTransaction(pool, (tx) => feed.changeLinks(tx, work));
}

async function collect(changes: AsyncIterable<LinkChange>): Promise<LinkChange[]> {
  const seen: LinkChange[] = [];
  for await (const change of changes) seen.push(change);
  return seen;
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return ConnectError.from(err).code;
  }
};

afterEach(() => {
  vi.useRealTimers();
});

describe("createLinkFeed", () => {
  it("announces a change inside the transaction and hands it to watchers before answering", async () => {
    const feed = createLinkFeed({ listen: undefined, log });
    const { pool, statements, notices } = fakePool();
    const seen = collect(feed.watch(new AbortController().signal));
    const answer = await changeIn(feed, pool, async () => ({ result: "done", changedItems: ["b", "a", "b"] }));
    feed.endWatches();
    expect(answer).toBe("done");
    expect(statements).toEqual(["BEGIN", "NOTIFY", "COMMIT"]);
    expect(notices).toEqual([{ origin: expect.any(String), itemIds: ["a", "b"], all: false }]);
    expect(await seen).toEqual([named("a", "b")]);
  });

  it("answers a write only once every local watcher has taken its change", async () => {
    const feed = createLinkFeed({ listen: undefined, log });
    const { pool } = fakePool();
    const reader = feed.watch(new AbortController().signal)[Symbol.asyncIterator]();
    let answered = false;
    const write = changeIn(feed, pool, async () => ({ result: undefined, changedItems: ["a"] })).then(() => (answered = true));
    expect((await reader.next()).value).toEqual(named("a")); // taken, not yet written out
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    void reader.next(); // written out: the watch asks for the next change
    await write;
    expect(answered).toBe(true);
    feed.endWatches();
  });

  it("ends a watcher that does not take a change within a second, and answers the write", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const feed = createLinkFeed({ listen: undefined, log });
    const { pool } = fakePool();
    const stuck = feed.watch(new AbortController().signal); // never read while the write runs
    const write = changeIn(feed, pool, async () => ({ result: "answered", changedItems: ["a"] }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(await write).toBe("answered");
    expect(await collect(stuck)).toEqual([named("a")]); // what was queued, then the end
  });

  it("announces nothing for a write that changed nothing or failed", async () => {
    const feed = createLinkFeed({ listen: undefined, log });
    const { pool, statements } = fakePool();
    const changes = feed.watch(new AbortController().signal);
    await changeIn(feed, pool, async () => ({ result: undefined, changedItems: [] }));
    const refused = changeIn(feed, pool, async () => {
      throw notFound("category", "x");
    });
    await expect(refused).rejects.toThrow(/not found/);
    feed.endWatches();
    expect(statements).toEqual([]); // no NOTIFY, nor even a connection: neither ran a statement
    expect(await collect(changes)).toEqual([]);
  });

  it("publishes other replicas' notices, not its own (already published after COMMIT)", async () => {
    const { listen, state } = fakeListener();
    const feed = createLinkFeed({ listen, log });
    await feed.start();
    const { pool, notices } = fakePool();
    const seen = collect(feed.watch(new AbortController().signal));
    await changeIn(feed, pool, async () => ({ result: undefined, changedItems: ["mine"] }));
    state.handlers?.onNotice({ origin: notices[0].origin, change: named("mine") });
    state.handlers?.onNotice({ origin: "other replica", change: named("theirs") });
    feed.endWatches();
    expect(await seen).toEqual([named("mine"), named("theirs")]);
  });

  it("refuses watches until listening, ends them all when the listener is lost, and reconnects with backoff", async () => {
    vi.useFakeTimers();
    const { listen, state } = fakeListener();
    const feed = createLinkFeed({ listen, log });
    const signal = new AbortController().signal;
    expect(codeOf(() => feed.watch(signal))).toBe(Code.Unavailable);
    await feed.start();
    const changes = feed.watch(signal);
    state.failNext = true;
    state.handlers?.onLost(new Error("terminated"));
    expect(await collect(changes)).toEqual([]);
    expect(codeOf(() => feed.watch(signal))).toBe(Code.Unavailable);
    await vi.advanceTimersByTimeAsync(500);
    expect(state.attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(state.attempts).toBe(2);
    state.failNext = false;
    await vi.advanceTimersByTimeAsync(1);
    expect(state.attempts).toBe(3);
    expect(codeOf(() => feed.watch(signal))).toBeUndefined();
    await feed.close();
    expect(state.closed).toBe(1);
  });

  it("ends a watch when its caller leaves, and every watch at shutdown, refusing new ones", async () => {
    const feed = createLinkFeed({ listen: undefined, log });
    const caller = new AbortController();
    const left = collect(feed.watch(caller.signal));
    const staying = collect(feed.watch(new AbortController().signal));
    caller.abort();
    expect(await left).toEqual([]);
    feed.endWatches();
    expect(await staying).toEqual([]);
    expect(codeOf(() => feed.watch(new AbortController().signal))).toBe(Code.Unavailable);
  });
});
