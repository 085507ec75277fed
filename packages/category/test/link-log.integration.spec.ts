import { randomUUID } from "node:crypto";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pruneLinkChanges } from "../src/store/link-change.repository.js";
import { type CategoryTestApp, startCategoryTestApp, WITH_SERVER_KEY } from "./category-test-app.js";

type CategoryClient = CategoryTestApp["grpc"];
/** A watch message as the specs compare it; "ended" once the stream is over. */
type Seen = { changes: { seq: bigint; itemId: string; categoryIds: string[] }[]; caughtUp: boolean } | "ended";

/** Open watches, closed after each spec so no stream outlives it. */
const opened: AbortController[] = [];
afterEach(() => {
  for (const abort of opened.splice(0)) abort.abort();
});

/**
 * Watches after `afterSeq` and reads every message as it comes, the way a watching service does
 * (a write waits until caught-up watchers took its change); `next` hands them out in order.
 */
function watch(client: CategoryClient, afterSeq: bigint, options: { headers?: Record<string, string> } = WITH_SERVER_KEY) {
  const abort = new AbortController();
  opened.push(abort);
  const messages = client.watchItemLinks({ afterSeq }, { ...options, signal: abort.signal })[Symbol.asyncIterator]();
  const received: Promise<Seen>[] = [];
  const readAhead = (): void => {
    const reading = messages.next().then((m): Seen => {
      if (m.done) return "ended";
      readAhead();
      return { changes: m.value.changes.map(({ seq, itemId, categoryIds }) => ({ seq, itemId, categoryIds })), caughtUp: m.value.caughtUp };
    });
    reading.catch(() => undefined); // a read pending when the spec aborts the watch is nobody's concern
    received.push(reading);
  };
  readAhead();
  let taken = 0;
  return { next: () => received[taken++] };
}

/** Reads until the replay is over; answers every change seen. */
async function replay(w: { next(): Promise<Seen> }) {
  const seen: { seq: bigint; itemId: string; categoryIds: string[] }[] = [];
  for (;;) {
    const m = await w.next();
    if (m === "ended") throw new Error("the watch ended during its replay");
    seen.push(...m.changes);
    if (m.caughtUp) return seen;
  }
}

const createCategory = async (t: CategoryTestApp, name: string) => String((await t.call("POST", "/api/v1/categories", { name })).body.id);
const setLinks = (t: CategoryTestApp, itemId: string, categoryIds: string[]) =>
  t.call("PUT", `/api/v1/items/${itemId}/categories`, { categoryIds });
const headOf = async (t: CategoryTestApp) => (await t.grpc.listItemLinks({ pageSize: 1 }, WITH_SERVER_KEY)).seq;

describe("category service (link change log)", () => {
  let t: CategoryTestApp;
  let poetry: string;
  let history: string;

  beforeAll(async () => {
    t = await startCategoryTestApp();
    [poetry, history] = (await Promise.all(["Poetry", "History"].map((name) => createCategory(t, name)))).sort();
  });
  afterAll(async () => t?.stop());

  it("lists with the seq it read at; a watch after it replays each later change with the item's whole set, then goes live", async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    await setLinks(t, first, [poetry]);
    const listed = await t.grpc.listItemLinks({}, WITH_SERVER_KEY);
    expect(listed.items).toContainEqual(expect.objectContaining({ itemId: first, categoryIds: [poetry] }));
    await setLinks(t, second, [history, poetry]);
    await setLinks(t, first, [history]);
    const w = watch(t.grpc, listed.seq);
    expect(await replay(w)).toEqual([
      { seq: listed.seq + 1n, itemId: second, categoryIds: [history, poetry].sort() },
      { seq: listed.seq + 2n, itemId: first, categoryIds: [history] },
    ]);
    await setLinks(t, second, []);
    expect(await w.next()).toEqual({ changes: [{ seq: listed.seq + 3n, itemId: second, categoryIds: [] }], caughtUp: true });
  });

  it("resumes after a seq: a second watch sends only what came after it", async () => {
    const item = randomUUID();
    const before = await headOf(t);
    await setLinks(t, item, [poetry]);
    const resumed = watch(t.grpc, before + 1n);
    expect(await replay(resumed)).toEqual([]);
    await setLinks(t, item, [history]);
    expect(await resumed.next()).toEqual({ changes: [{ seq: before + 2n, itemId: item, categoryIds: [history] }], caughtUp: true });
  });

  it("logs one change per item a category deletion unlinks, and none for refused or unchanging writes", async () => {
    const doomed = await createCategory(t, "Doomed");
    const items = [randomUUID(), randomUUID()].sort();
    await setLinks(t, items[0], [doomed, poetry]);
    await setLinks(t, items[1], [doomed]);
    const before = await headOf(t);
    expect((await setLinks(t, items[1], [doomed])).status).toBe(200); // no change
    expect((await setLinks(t, items[1], [randomUUID()])).status).toBe(404); // refused
    expect((await t.call("DELETE", `/api/v1/categories/${doomed}`)).status).toBe(200);
    const w = watch(t.grpc, before);
    const changes = await replay(w);
    expect(changes.map((c) => [c.itemId, c.categoryIds])).toEqual([
      [items[0], [poetry]],
      [items[1], []],
    ]);
  });

  it("answers SetItemLinks with the seq holding its result (the head when nothing changed)", async () => {
    const item = randomUUID();
    const set = await t.grpc.setItemLinks({ itemId: item, categoryIds: [poetry] }, WITH_SERVER_KEY);
    expect(set.seq).toBe(await headOf(t));
    const again = await t.grpc.setItemLinks({ itemId: item, categoryIds: [poetry] }, WITH_SERVER_KEY);
    expect(again.seq).toBe(set.seq);
  });

  it("refuses a seq the log no longer holds, or never held: FAILED_PRECONDITION SEQ_NOT_IN_LOG", async () => {
    await setLinks(t, randomUUID(), [poetry]);
    await setLinks(t, randomUUID(), [poetry]);
    expect(await pruneLinkChanges(t.app.db.pool, new Date(Date.now() + 60_000))).toBeGreaterThan(0);
    const head = await headOf(t);
    for (const after of [0n, head + 1n]) {
      const seen = await watch(t.grpc, after)
        .next()
        .catch((e: unknown) => e);
      const err = ConnectError.from(seen);
      expect(err.code).toBe(Code.FailedPrecondition);
      expect(err.findDetails(ErrorInfoSchema)[0]?.reason).toBe("SEQ_NOT_IN_LOG");
    }
    expect(await replay(watch(t.grpc, head))).toEqual([]); // the newest change is always kept
  });

  it("needs the server key", async () => {
    const err = await watch(t.grpc, 0n, {})
      .next()
      .catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.Unauthenticated);
  });

  it("ends running watches at stop, which does not wait for them, and refuses new ones", { timeout: 60_000 }, async () => {
    // A drain that waited for open streams would hang until this timeout, far past the spec's.
    const s = await startCategoryTestApp({ SHUTDOWN_TIMEOUT_MS: "600000" });
    const overGrpc = watch(createClient(CategoryService, createGrpcTransport({ baseUrl: s.grpcBase })), 0n);
    const inProcess = watch(s.grpc, 0n);
    expect([await replay(overGrpc), await replay(inProcess)]).toEqual([[], []]);
    const ended = Promise.all([overGrpc.next().catch(() => "ended"), inProcess.next().catch(() => "ended")]);
    await s.stop();
    expect(await ended).toEqual(["ended", "ended"]);
    const err = await watch(s.grpc, 0n)
      .next()
      .catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.Unavailable);
  });
});

// Replicas share one database; each reads the log's head while watched, so it sends the other's changes too.
describe("category service (link change log) across replicas", () => {
  let a: CategoryTestApp;
  let b: CategoryTestApp;
  let poetry: string;

  beforeAll(async () => {
    a = await startCategoryTestApp();
    b = await startCategoryTestApp({}, a.database);
    poetry = await createCategory(a, "Poetry");
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it("sends each replica's changes on the other's watches, each once and in seq order", async () => {
    const head = await headOf(a);
    const [onA, onB] = [watch(a.grpc, head), watch(b.grpc, head)];
    expect([await replay(onA), await replay(onB)]).toEqual([[], []]);
    const [first, second] = [randomUUID(), randomUUID()];
    await setLinks(a, first, [poetry]);
    await setLinks(b, second, [poetry]);
    const expected = [
      { seq: head + 1n, itemId: first, categoryIds: [poetry] },
      { seq: head + 2n, itemId: second, categoryIds: [poetry] },
    ];
    for (const w of [onA, onB]) {
      const seen: unknown[] = [];
      while (seen.length < 2) {
        const m = await w.next();
        if (m === "ended") throw new Error("ended");
        seen.push(...m.changes);
      }
      expect(seen).toEqual(expected);
    }
  });
});
