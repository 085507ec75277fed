import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, type CategoryTestApp, startCategoryTestApp } from "./category-test-app.js";

const ABSENT = "3f1e2d3c-0000-4000-8000-000000000000";

// The category tree rules, through REST, on a real PostgreSQL server and on the embedded one.
describe("category service (tree)", () => {
  let t: CategoryTestApp;

  beforeAll(async () => {
    t = await startCategoryTestApp();
  });
  afterAll(async () => t?.stop());

  const createCategory = async (name: string, parentId = "", description = "") => {
    const res = await t.call("POST", "/api/v1/categories", { name, parentId, description });
    if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Body & { id: string };
  };
  const update = (id: string, body: unknown) => t.call("PUT", `/api/v1/categories/${id}`, body);
  const expectInvalid = (res: { status: number; body: Body }, field: string) => {
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(JSON.stringify(res.body.details)).toContain(`"field":"${field}"`);
  };

  it("creates a root and a child, returning every field", async () => {
    const root = await t.call("POST", "/api/v1/categories", { name: "  Fiction ", description: "Made up" });
    expect(root.status).toBe(201);
    expect(root.body).toMatchObject({ name: "Fiction", description: "Made up", parentId: "" });
    expect(root.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(String(root.body.updatedAt)).getTime()).toBeGreaterThan(0);
    const child = await t.call("POST", "/api/v1/categories", { name: "Fantasy", parent_id: root.body.id });
    expect(child.body).toMatchObject({ name: "Fantasy", description: "", parentId: root.body.id });
    expect((await t.call("GET", `/api/v1/categories/${child.body.id}`)).body).toEqual(child.body);
  });

  it("lists only the direct children with parentId", async () => {
    const top = await createCategory("Tree Top");
    const [b, a] = [await createCategory("Branch B", top.id), await createCategory("Branch A", top.id)];
    await createCategory("Leaf", a.id);
    const res = await t.call("GET", `/api/v1/categories?parentId=${top.id}`);
    expect(res.body).toMatchObject({ totalSize: 2, nextPageToken: "" });
    expect((res.body.categories as Body[]).map((c) => c.id)).toEqual([a.id, b.id]);
    const none = await t.call("GET", `/api/v1/categories?parentId=${ABSENT}`);
    expect(none.body).toMatchObject({ categories: [], totalSize: 0 });
  });

  it("keeps sibling names unique case-insensitively (409), roots included, but allows them under other parents", async () => {
    const left = await createCategory("Uniq Left");
    const right = await createCategory("Uniq Right");
    await createCategory("Poetry", left.id);
    const clash = await t.call("POST", "/api/v1/categories", { name: "POETRY", parentId: left.id });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe(6);
    expect((await t.call("POST", "/api/v1/categories", { name: "poetry", parentId: right.id })).status).toBe(201);
    expect((await t.call("POST", "/api/v1/categories", { name: "uniq LEFT" })).status).toBe(409);
  });

  it("refuses a rename or move onto a sibling's name with 409", async () => {
    const home = await createCategory("Rename Home");
    const taken = await createCategory("Taken", home.id);
    const other = await createCategory("Other", home.id);
    expect((await update(other.id, { name: "TAKEN", parentId: home.id })).status).toBe(409);
    const elsewhere = await createCategory("Taken");
    expect((await update(elsewhere.id, { name: "Taken", parentId: home.id })).status).toBe(409);
    expect((await t.call("GET", `/api/v1/categories/${taken.id}`)).body.name).toBe("Taken");
  });

  it("refuses an unknown parent with 404 naming the parent", async () => {
    const res = await t.call("POST", "/api/v1/categories", { name: "Orphan", parentId: ABSENT });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe(5);
    expect(res.body.message).toContain("parent");
    const cat = await createCategory("Adoptee");
    expect((await update(cat.id, { name: "Adoptee", parentId: ABSENT })).status).toBe(404);
  });

  it("never lets a category become its own ancestor (400 naming parentId), but allows real moves", async () => {
    const a = await createCategory("Cycle A");
    const b = await createCategory("Cycle B", a.id);
    const c = await createCategory("Cycle C", b.id);
    expectInvalid(await update(a.id, { name: "Cycle A", parentId: a.id }), "parentId");
    expectInvalid(await update(a.id, { name: "Cycle A", parentId: c.id }), "parentId");
    expectInvalid(await update(a.id, { name: "Cycle A", parentId: b.id }), "parentId");
    expect((await t.call("GET", `/api/v1/categories/${a.id}`)).body.parentId).toBe("");
    const moved = await update(c.id, { name: "Cycle C", description: "moved", parentId: a.id });
    expect(moved.body).toMatchObject({ parentId: a.id, description: "moved", createdAt: c.createdAt });
    expect((await update(b.id, { name: "Cycle B" })).body.parentId).toBe("");
    expect((await update(a.id, { name: "Cycle A", parentId: b.id })).status).toBe(200);
  });

  it("refuses to delete a category with children (400, code 9, CATEGORY_HAS_CHILDREN), then deletes leaf first", async () => {
    const parent = await createCategory("Doomed Parent");
    const child = await createCategory("Doomed Child", parent.id);
    const refused = await t.call("DELETE", `/api/v1/categories/${parent.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(9);
    expect(refused.body.details?.[0]).toMatchObject({
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "CATEGORY_HAS_CHILDREN",
      domain: "library.category.v1",
      metadata: { categoryId: parent.id, childCount: "1" },
    });
    expect((await t.call("DELETE", `/api/v1/categories/${child.id}`)).body).toEqual({});
    expect((await t.call("DELETE", `/api/v1/categories/${parent.id}`)).status).toBe(200);
    expect((await t.call("GET", `/api/v1/categories/${parent.id}`)).status).toBe(404);
    expect((await t.call("DELETE", `/api/v1/categories/${parent.id}`)).status).toBe(404);
  });

  it("pages by name with a stable cursor, case-insensitive q and totalSize", async () => {
    for (const name of ["Pager C", "pager A", "Pager E", "PAGER B", "Pager D"]) await createCategory(name);
    const first = await t.call("GET", "/api/v1/categories?q=PaGeR&pageSize=2");
    expect(first.body.totalSize).toBe(5);
    expect((first.body.categories as Body[]).map((c) => c.name)).toEqual(["pager A", "PAGER B"]);
    await createCategory("Pager AA"); // sorts before the cursor: must not shift the next page
    const second = await t.call("GET", `/api/v1/categories?q=pager&pageSize=2&pageToken=${first.body.nextPageToken}`);
    expect((second.body.categories as Body[]).map((c) => c.name)).toEqual(["Pager C", "Pager D"]);
    expect(second.body.totalSize).toBe(6);
    const third = await t.call("GET", `/api/v1/categories?q=pager&pageSize=2&pageToken=${second.body.nextPageToken}`);
    expect((third.body.categories as Body[]).map((c) => c.name)).toEqual(["Pager E"]);
    expect(third.body.nextPageToken).toBe("");
    const otherQuery = await t.call("GET", `/api/v1/categories?q=other&pageToken=${first.body.nextPageToken}`);
    expectInvalid(otherQuery, "pageToken");
  });

  it("treats q as text, not a LIKE pattern", async () => {
    await createCategory("100% Cotton");
    await createCategory("1000 Cotton");
    const res = await t.call("GET", `/api/v1/categories?q=${encodeURIComponent("0%")}`);
    expect((res.body.categories as Body[]).map((c) => c.name)).toEqual(["100% Cotton"]);
  });

  it.each(["pageSize=101", "pageSize=-1", "pageToken=garbage", "parentId=nope"])("rejects list parameter %s with 400", async (query) => {
    const res = await t.call("GET", `/api/v1/categories?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
  });

  it.each([
    [{ name: "   " }, "name"],
    [{ name: "x".repeat(101) }, "name"],
    [{ name: "Ok", description: "d".repeat(2001) }, "description"],
    [{ name: "Ok", parentId: "not-a-uuid" }, "parentId"],
  ])("rejects %j with 400 naming %s", async (body, field) => {
    expectInvalid(await t.call("POST", "/api/v1/categories", body), field);
  });

  it("gives 400 for a bad id and 404 for an absent one on every by-id method", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      expectInvalid(await t.call(method, "/api/v1/categories/not-a-uuid", method === "PUT" ? { name: "N" } : undefined), "id");
      const absent = await t.call(method, `/api/v1/categories/${ABSENT}`, method === "PUT" ? { name: "N" } : undefined);
      expect(absent.status).toBe(404);
      expect(absent.body.code).toBe(5);
    }
  });

  it("refuses writes without a token (401) and from a member (403), writing nothing", async () => {
    const cat = await createCategory("Guarded");
    const writes: [string, string, unknown][] = [
      ["POST", "/api/v1/categories", { name: "Guarded Write" }],
      ["PUT", `/api/v1/categories/${cat.id}`, { name: "Guarded Write" }],
      ["DELETE", `/api/v1/categories/${cat.id}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      expect((await t.call(method, path, body, "")).status).toBe(401);
      const denied = await t.call(method, path, body, t.member);
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe(7);
    }
    expect((await t.call("GET", "/api/v1/categories?q=guarded", undefined, "")).body).toMatchObject({ totalSize: 1 });
    expect((await t.call("GET", `/api/v1/categories/${cat.id}`, undefined, t.member)).body.name).toBe("Guarded");
  });
});
