import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { createLogger, inTransaction } from "@lms/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setItemLinks } from "../src/domain/item-links.service.js";
import { createLinkLog } from "../src/domain/link-log.js";
import { type Body, type CategoryTestApp, startCategoryTestApp, WITH_SERVER_KEY } from "./category-test-app.js";

const ABSENT = "3f1e2d3c-0000-4000-8000-000000000000";
const sorted = (ids: string[]) => [...ids].sort();

// SetItemLinks: the idempotent replace the book service sends (and sends again) for its books.
describe("category service (SetItemLinks)", () => {
  let t: CategoryTestApp;
  let drama: string;
  let verse: string;

  beforeAll(async () => {
    t = await startCategoryTestApp();
    [drama, verse] = await Promise.all(
      ["Drama", "Verse"].map(async (name) => String((await t.call("POST", "/api/v1/categories", { name })).body.id)),
    );
  });
  afterAll(async () => t?.stop());

  const linkedIds = async (itemId: string) =>
    ((await t.call("GET", `/api/v1/items/${itemId}/categories`, undefined, "")).body.categories as Body[]).map((c) => String(c.id));

  it("makes the set exactly the one asked for, and the same request again changes nothing", async () => {
    const item = randomUUID();
    const set = { itemId: item, categoryIds: [verse, drama, drama] };
    expect(await t.grpc.setItemLinks(set, WITH_SERVER_KEY)).toMatchObject({ categoryIds: sorted([drama, verse]), missingCategoryIds: [] });
    expect(await t.grpc.setItemLinks(set, WITH_SERVER_KEY)).toMatchObject({ categoryIds: sorted([drama, verse]) });
    expect(await linkedIds(item)).toEqual([drama, verse]);
    await t.grpc.setItemLinks({ itemId: item, categoryIds: [] }, WITH_SERVER_KEY);
    expect(await linkedIds(item)).toEqual([]);
  });

  it("refuses an unknown category with NOT_FOUND, changing nothing, unless told to leave it out", async () => {
    const item = randomUUID();
    await t.grpc.setItemLinks({ itemId: item, categoryIds: [drama] }, WITH_SERVER_KEY);
    const err = await t.grpc.setItemLinks({ itemId: item, categoryIds: [verse, ABSENT] }, WITH_SERVER_KEY).catch((e: unknown) => e);
    expect(ConnectError.from(err)).toMatchObject({ code: Code.NotFound, rawMessage: expect.stringContaining(ABSENT) });
    expect(await linkedIds(item)).toEqual([drama]);
    const kept = await t.grpc.setItemLinks({ itemId: item, categoryIds: [verse, ABSENT], ignoreMissing: true }, WITH_SERVER_KEY);
    expect(kept).toMatchObject({ categoryIds: [verse], missingCategoryIds: [ABSENT] });
    expect(await linkedIds(item)).toEqual([verse]);
  });

  it("rolls back instead of committing a call its caller has given up on (a request held up in transit)", async () => {
    const item = randomUUID();
    await t.grpc.setItemLinks({ itemId: item, categoryIds: [drama] }, WITH_SERVER_KEY);
    const log = createLinkLog(t.app.db.pool, createLogger("category", "silent"));
    const gaveUp = AbortSignal.abort(new ConnectError("the caller cancelled the call", Code.Canceled));
    const request = { itemId: item, categoryIds: [verse], ignoreMissing: false };
    const late = inTransaction(t.app.db.pool, (tx) => setItemLinks(tx, log, request, gaveUp));
    await expect(late).rejects.toMatchObject({ code: Code.Canceled });
    expect(await linkedIds(item)).toEqual([drama]);
  });

  it("needs the server key, and has no REST route", async () => {
    const err = await t.grpc.setItemLinks({ itemId: ABSENT, categoryIds: [] }).catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.Unauthenticated);
    expect((await t.call("POST", "/library.category.v1.CategoryService/SetItemLinks", { itemId: ABSENT })).status).toBe(404);
  });
});
