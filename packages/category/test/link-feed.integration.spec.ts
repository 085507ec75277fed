import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CategoryTestApp, startCategoryTestApp, WITH_SERVER_KEY } from "./category-test-app.js";

const ABSENT = "3f1e2d3c-0000-4000-8000-000000000000";

type CategoryClient = CategoryTestApp["grpc"];
/** One message of a watch, as the specs compare it; "ended" once the stream is over. */
type Seen = { ready: boolean; itemIds: string[]; all: boolean } | "ended";

/** Open watches, closed after each spec so no stream outlives it. */
const opened: AbortController[] = [];
afterEach(() => {
  for (const abort of opened.splice(0)) abort.abort();
});

/**
 * Starts a watch (as a peer service, unless `options` say otherwise) and reads its first message;
 * from then on it reads every message as it comes, the way a watching service does (a write
 * waits until its watchers took its change), and `next` hands them out one by one.
 */
async function watch(client: CategoryClient, options: { headers?: Record<string, string> } = WITH_SERVER_KEY) {
  const abort = new AbortController();
  opened.push(abort);
  const messages = client.watchItemLinks({}, { ...options, signal: abort.signal })[Symbol.asyncIterator]();
  const read = async (): Promise<Seen> => {
    const m = await messages.next();
    return m.done ? "ended" : { ready: m.value.ready, itemIds: m.value.itemIds, all: m.value.all };
  };
  const first = await read();
  const received: Promise<Seen>[] = [];
  let reading = Promise.resolve<Seen>(first);
  const readAhead = () => {
    reading = reading.then((last) => (last === "ended" ? last : read()));
    received.push(reading);
    void reading.then(
      (m) => m !== "ended" && readAhead(),
      () => undefined,
    );
  };
  readAhead();
  let taken = 0;
  return { first, next: () => received[taken++] };
}

/** Reads a watch to its end; true when it ended (cleanly or with an error). */
async function endOf(w: { next(): Promise<Seen> }): Promise<true> {
  try {
    while ((await w.next()) !== "ended");
  } catch {}
  return true;
}

const READY: Seen = { ready: true, itemIds: [], all: false };
const changed = (...itemIds: string[]): Seen => ({ ready: false, itemIds: [...itemIds].sort(), all: false });

const createCategory = async (t: CategoryTestApp, name: string) => String((await t.call("POST", "/api/v1/categories", { name })).body.id);
const setLinks = (t: CategoryTestApp, itemId: string, categoryIds: string[]) =>
  t.call("PUT", `/api/v1/items/${itemId}/categories`, { categoryIds });

describe("category service (link feed)", () => {
  let t: CategoryTestApp;
  let poetry: string;
  let history: string;

  beforeAll(async () => {
    t = await startCategoryTestApp();
    [poetry, history] = await Promise.all(["Poetry", "History"].map((name) => createCategory(t, name)));
  });
  afterAll(async () => t?.stop());

  it("says ready first, then names the items of each committed link change", async () => {
    const w = await watch(t.grpc);
    expect(w.first).toEqual(READY);
    const [set, added, removed] = [randomUUID(), randomUUID(), randomUUID()];
    expect((await setLinks(t, set, [poetry])).status).toBe(200);
    expect(await w.next()).toEqual(changed(set));
    await t.call("POST", "/api/v1/categories/bulk-add-item", { itemId: added, categoryIds: [poetry, history] });
    expect(await w.next()).toEqual(changed(added));
    await setLinks(t, removed, [history]);
    expect(await w.next()).toEqual(changed(removed));
    await t.grpc.removeItemLinks({ itemId: removed }, WITH_SERVER_KEY);
    expect(await w.next()).toEqual(changed(removed));
  });

  it("names the items that lose a link when their category is deleted", async () => {
    const doomed = await createCategory(t, "Doomed");
    const [a, b] = [randomUUID(), randomUUID()];
    await setLinks(t, a, [doomed, poetry]);
    await setLinks(t, b, [doomed]);
    const w = await watch(t.grpc);
    expect((await t.call("DELETE", `/api/v1/categories/${doomed}`)).status).toBe(200);
    expect(await w.next()).toEqual(changed(a, b));
  });

  it("says all, naming none, when a deletion unlinks more than 100 items", async () => {
    const big = await createCategory(t, "Big");
    for (let i = 0; i < 101; i++) await setLinks(t, randomUUID(), [big]);
    const w = await watch(t.grpc);
    await t.call("DELETE", `/api/v1/categories/${big}`);
    expect(await w.next()).toEqual({ ready: false, itemIds: [], all: true });
  });

  it("announces nothing for refused writes or writes that change no link", async () => {
    const [item, marker] = [randomUUID(), randomUUID()];
    await setLinks(t, item, [poetry]);
    const w = await watch(t.grpc);
    expect((await setLinks(t, item, [history, ABSENT])).status).toBe(404);
    expect((await t.call("POST", "/api/v1/categories/bulk-add-item", { itemId: item, categoryIds: [ABSENT] })).status).toBe(404);
    await setLinks(t, item, [poetry]);
    await t.grpc.removeItemLinks({ itemId: randomUUID() }, WITH_SERVER_KEY);
    await t.call("DELETE", `/api/v1/categories/${await createCategory(t, "Unlinked")}`);
    await setLinks(t, marker, [poetry]);
    expect(await w.next()).toEqual(changed(marker));
  });

  it("needs the server key", async () => {
    const err = await watch(t.grpc, {}).catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.Unauthenticated);
  });

  it("ends running watches at stop, which does not wait for them, and refuses new ones", async () => {
    // A drain that waited for open streams would hang until this timeout, far past the spec's.
    const s = await startCategoryTestApp({ SHUTDOWN_TIMEOUT_MS: "600000" });
    const overGrpc = await watch(createClient(CategoryService, createGrpcTransport({ baseUrl: s.grpcBase })));
    const inProcess = await watch(s.grpc);
    expect([overGrpc.first, inProcess.first]).toEqual([READY, READY]);
    const ended = Promise.all([endOf(overGrpc), endOf(inProcess)]);
    await s.stop();
    expect(await ended).toEqual([true, true]);
    const err = await watch(s.grpc).catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.Unavailable);
  });
});

// Replicas share one database; their changes reach each other through NOTIFY (a real server only).
describe("category service (link feed) across replicas", () => {
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

  it("shows each replica's changes on the other's watches, and each change once", async () => {
    const [onA, onB] = [await watch(a.grpc), await watch(b.grpc)];
    const [first, second] = [randomUUID(), randomUUID()];
    await setLinks(a, first, [poetry]);
    expect(await onB.next()).toEqual(changed(first));
    await setLinks(b, second, [poetry]);
    // A published `first` itself; its own NOTIFY, which came before B's, must not repeat it.
    expect([await onA.next(), await onA.next()]).toEqual([changed(first), changed(second)]);
    expect(await onB.next()).toEqual(changed(second));
  });

  it("ends watches when its listener connection dies, and serves new ones once it is back", async () => {
    const [onA, onB] = [await watch(a.grpc), await watch(b.grpc)];
    await a.app.db.pool.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'lms-category-link-feed' and datname = current_database()",
    );
    expect([await endOf(onA), await endOf(onB)]).toEqual([true, true]);
    const again = await watchWhenLive(b.grpc);
    const item = randomUUID();
    await setLinks(a, item, [poetry]);
    expect(await again.next()).toEqual(changed(item));
  });
});

/** Watches as soon as the feed is live again; until then every refusal must be UNAVAILABLE. */
async function watchWhenLive(client: CategoryClient) {
  for (;;) {
    try {
      return await watch(client);
    } catch (err) {
      expect(ConnectError.from(err).code).toBe(Code.Unavailable);
      await sleep(100);
    }
  }
}
