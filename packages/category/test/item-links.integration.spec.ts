import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, type CategoryTestApp, startCategoryTestApp, WITH_SERVER_KEY } from "./category-test-app.js";

const ABSENT = "3f1e2d3c-0000-4000-8000-000000000000";
const sorted = (ids: string[]) => [...ids].sort();

// Item ↔ category links, through REST and the gRPC-only methods, on a real server and on the embedded one.
describe("category service (item links)", () => {
  let t: CategoryTestApp;
  let fantasy: string;
  let history: string;
  let poetry: string;

  beforeAll(async () => {
    t = await startCategoryTestApp();
    [poetry, fantasy, history] = await Promise.all(["Poetry", "fantasy", "History"].map((name) => createCategory(name)));
  });
  afterAll(async () => t?.stop());

  async function createCategory(name: string): Promise<string> {
    const res = await t.call("POST", "/api/v1/categories", { name });
    return String(res.body.id);
  }
  const setLinks = (itemId: string, categoryIds: string[], token?: string) =>
    t.call("PUT", `/api/v1/items/${itemId}/categories`, { categoryIds }, token);
  const bulkAdd = (itemId: string, categoryIds: string[], token?: string) =>
    t.call("POST", "/api/v1/categories/bulk-add-item", { itemId, categoryIds }, token);
  const linkedIds = async (itemId: string) =>
    ((await t.call("GET", `/api/v1/items/${itemId}/categories`, undefined, "")).body.categories as Body[]).map((c) => String(c.id));

  it("replaces the set, reporting exactly what was added and removed", async () => {
    const item = randomUUID();
    const first = await setLinks(item, [history, fantasy, fantasy.toUpperCase()]);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      itemId: item,
      categoryIds: sorted([history, fantasy]),
      addedCategoryIds: sorted([history, fantasy]),
      removedCategoryIds: [],
    });
    const second = await setLinks(item, [poetry, fantasy]);
    expect(second.body).toEqual({
      itemId: item,
      categoryIds: sorted([poetry, fantasy]),
      addedCategoryIds: [poetry],
      removedCategoryIds: [history],
    });
    const same = await setLinks(item, [fantasy, poetry]);
    expect(same.body).toMatchObject({ addedCategoryIds: [], removedCategoryIds: [] });
    const cleared = await setLinks(item, []);
    expect(cleared.body).toEqual({ itemId: item, categoryIds: [], addedCategoryIds: [], removedCategoryIds: sorted([poetry, fantasy]) });
  });

  it("returns the item's categories as full objects, ordered by name", async () => {
    const item = randomUUID();
    await setLinks(item, [poetry, history, fantasy]);
    const res = await t.call("GET", `/api/v1/items/${item}/categories`, undefined, "");
    expect((res.body.categories as Body[]).map((c) => c.name)).toEqual(["fantasy", "History", "Poetry"]);
    expect((res.body.categories as Body[])[0]).toMatchObject({ id: fantasy, description: "", parentId: "" });
    expect((await t.call("GET", `/api/v1/items/${randomUUID()}/categories`)).body).toEqual({ categories: [] });
  });

  it("answers an unknown category with 404 and changes nothing", async () => {
    const item = randomUUID();
    await setLinks(item, [poetry]);
    const res = await setLinks(item, [history, ABSENT]);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(5);
    expect(res.body.message).toContain(ABSENT);
    expect(await linkedIds(item)).toEqual([poetry]);
    expect((await bulkAdd(item, [fantasy, ABSENT])).status).toBe(404);
    expect(await linkedIds(item)).toEqual([poetry]);
  });

  it("adds idempotently: a second identical call adds nothing", async () => {
    const item = randomUUID();
    const first = await bulkAdd(item, [history, fantasy]);
    expect(first.body).toEqual({ itemId: item, addedCategoryIds: sorted([history, fantasy]) });
    expect((await bulkAdd(item, [fantasy, history])).body).toEqual({ itemId: item, addedCategoryIds: [] });
    expect((await bulkAdd(item, [poetry, history])).body.addedCategoryIds).toEqual([poetry]);
    expect(sorted(await linkedIds(item))).toEqual(sorted([history, fantasy, poetry]));
  });

  it("removes a deleted category's links", async () => {
    const doomed = await createCategory("Doomed Links");
    const item = randomUUID();
    await setLinks(item, [doomed, poetry]);
    expect((await t.call("DELETE", `/api/v1/categories/${doomed}`)).status).toBe(200);
    expect(await linkedIds(item)).toEqual([poetry]);
  });

  it.each([
    ["PUT", `/api/v1/items/not-a-uuid/categories`, { categoryIds: [] }, "itemId"],
    ["PUT", `/api/v1/items/${ABSENT}/categories`, { categoryIds: [ABSENT, "nope"] }, "categoryIds[1]"],
    ["POST", "/api/v1/categories/bulk-add-item", { itemId: "nope", categoryIds: [] }, "itemId"],
    ["POST", "/api/v1/categories/bulk-add-item", { itemId: ABSENT, categoryIds: ["x"] }, "categoryIds[0]"],
    ["GET", "/api/v1/items/nope/categories", undefined, "itemId"],
  ])("answers %s %s %j with 400 naming %s", async (method, path, body, field) => {
    const res = await t.call(method, path, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(JSON.stringify(res.body.details)).toContain(`"field":"${field}"`);
  });

  it("refuses more than 100 category ids per request", async () => {
    const many = Array.from({ length: 101 }, () => randomUUID());
    expect((await setLinks(randomUUID(), many)).status).toBe(400);
    expect((await bulkAdd(randomUUID(), many)).status).toBe(400);
  });

  it("refuses link writes without a token (401) and from a member (403), linking nothing", async () => {
    const item = randomUUID();
    expect((await setLinks(item, [poetry], "")).status).toBe(401);
    expect((await setLinks(item, [poetry], t.member)).status).toBe(403);
    expect((await bulkAdd(item, [poetry], "")).status).toBe(401);
    expect((await bulkAdd(item, [poetry], t.member)).status).toBe(403);
    expect(await linkedIds(item)).toEqual([]);
  });

  describe("gRPC-only methods", () => {
    it("pages the distinct items of any of the categories by item id", async () => {
      const pages = await createCategory("Paged Items");
      const other = await createCategory("Paged Items Other");
      const items = Array.from({ length: 5 }, () => randomUUID());
      for (const item of items) await setLinks(item, [pages, other]);
      const first = await t.grpc.listCategoryItems({ categoryIds: [pages, other], pageSize: 3 }, WITH_SERVER_KEY);
      expect(first.itemIds).toEqual(sorted(items).slice(0, 3));
      const second = await t.grpc.listCategoryItems(
        { categoryIds: [other, pages], pageSize: 3, pageToken: first.nextPageToken },
        WITH_SERVER_KEY,
      );
      expect(second).toMatchObject({ itemIds: sorted(items).slice(3), nextPageToken: "" });
      const stray = t.grpc.listCategoryItems({ categoryIds: [pages], pageToken: first.nextPageToken }, WITH_SERVER_KEY);
      await expect(stray).rejects.toMatchObject({ code: Code.InvalidArgument });
      await expect(t.grpc.listCategoryItems({ categoryIds: [pages], pageSize: 1001 }, WITH_SERVER_KEY)).rejects.toMatchObject({
        code: Code.InvalidArgument,
      });
      expect((await t.grpc.listCategoryItems({ categoryIds: [] }, WITH_SERVER_KEY)).itemIds).toEqual([]);
    });

    it("batch-gets one entry per requested item, in request order, empty for unknown items", async () => {
      const [a, b, unknown] = [randomUUID(), randomUUID(), randomUUID()];
      await setLinks(a, [poetry, history]);
      await setLinks(b, [fantasy]);
      const res = await t.grpc.batchGetItemCategories({ itemIds: [b, unknown, a.toUpperCase(), b] }, WITH_SERVER_KEY);
      expect(res.items.map((i) => ({ itemId: i.itemId, categoryIds: i.categoryIds }))).toEqual([
        { itemId: b, categoryIds: [fantasy] },
        { itemId: unknown, categoryIds: [] },
        { itemId: a, categoryIds: sorted([poetry, history]) },
        { itemId: b, categoryIds: [fantasy] },
      ]);
      const tooMany = Array.from({ length: 1001 }, () => randomUUID());
      await expect(t.grpc.batchGetItemCategories({ itemIds: tooMany }, WITH_SERVER_KEY)).rejects.toMatchObject({
        code: Code.InvalidArgument,
      });
    });

    it("removes every link of an item, idempotently", async () => {
      const item = randomUUID();
      await setLinks(item, [poetry, fantasy]);
      expect((await t.grpc.removeItemLinks({ itemId: item }, WITH_SERVER_KEY)).removedCategoryIds).toEqual(sorted([poetry, fantasy]));
      expect((await t.grpc.removeItemLinks({ itemId: item }, WITH_SERVER_KEY)).removedCategoryIds).toEqual([]);
      expect(await linkedIds(item)).toEqual([]);
    });

    it("lists related items, most shared categories first, without the item itself", async () => {
      const [x, y, z, mine] = await Promise.all(["Related X", "Related Y", "Related Z", "Related Mine"].map((n) => createCategory(n)));
      const [item, two, one, none] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await setLinks(item, [x, y, mine]);
      await setLinks(two, [x, y]);
      await setLinks(one, [y, z]);
      await setLinks(none, [z]);
      const res = await t.grpc.listRelatedItems({ itemId: item }, WITH_SERVER_KEY);
      expect(res.items.map((r) => [r.itemId, r.sharedCategories])).toEqual([
        [two, 2],
        [one, 1],
      ]);
      const limited = await t.grpc.listRelatedItems({ itemId: item, limit: 1 }, WITH_SERVER_KEY);
      expect(limited.items.map((r) => r.itemId)).toEqual([two]);
      await expect(t.grpc.listRelatedItems({ itemId: item, limit: 1001 }, WITH_SERVER_KEY)).rejects.toMatchObject({
        code: Code.InvalidArgument,
      });
    });

    it("lists every linked item with its sorted category ids, in item id order, page by page", async () => {
      const [a, b, unlinked, cleared] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await setLinks(a, [poetry, history]);
      await setLinks(b, [fantasy]);
      await setLinks(cleared, [fantasy]);
      await setLinks(cleared, []);
      const all = await t.grpc.listItemLinks({}, WITH_SERVER_KEY);
      expect(all.nextPageToken).toBe("");
      const listed = all.items.map((i) => ({ itemId: i.itemId, categoryIds: i.categoryIds }));
      expect(listed.map((i) => i.itemId)).toEqual(sorted(listed.map((i) => i.itemId)));
      expect(listed).toContainEqual({ itemId: a, categoryIds: sorted([poetry, history]) });
      expect(listed).toContainEqual({ itemId: b, categoryIds: [fantasy] });
      expect(listed.map((i) => i.itemId)).not.toContain(unlinked);
      expect(listed.map((i) => i.itemId)).not.toContain(cleared);

      const paged: string[] = [];
      let pageToken = "";
      do {
        const page = await t.grpc.listItemLinks({ pageSize: 2, pageToken }, WITH_SERVER_KEY);
        expect(page.items.length).toBeLessThanOrEqual(2);
        paged.push(...page.items.map((i) => i.itemId));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(paged).toEqual(listed.map((i) => i.itemId));
      await expect(t.grpc.listItemLinks({ pageSize: 1001 }, WITH_SERVER_KEY)).rejects.toMatchObject({ code: Code.InvalidArgument });
      await expect(t.grpc.listItemLinks({ pageToken: "not-a-token" }, WITH_SERVER_KEY)).rejects.toMatchObject({
        code: Code.InvalidArgument,
      });
    });

    it("needs the server key, and has no REST route", async () => {
      const err = await t.grpc.removeItemLinks({ itemId: ABSENT }).catch((e: unknown) => e);
      expect(ConnectError.from(err).code).toBe(Code.Unauthenticated);
      expect((await t.call("POST", "/library.category.v1.CategoryService/RemoveItemLinks", { itemId: ABSENT })).status).toBe(404);
    });
  });
});
