import { errorReasonOf, violatedFields } from "@lms/platform/testing/error-details";
import { rest } from "@lms/platform/testing/rest-client";
import { holdRowLock } from "@lms/platform/testing/row-lock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, type CategoryTestApp, startCategoryTestApp } from "./category-test-app.js";

// DESIGN.md §2/§3 HTTP semantics on the category service, REST through the real app on real PostgreSQL.
describe("category HTTP semantics", () => {
  let t: CategoryTestApp;
  beforeAll(async () => {
    t = await startCategoryTestApp();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    rest<Body>(t.base, method, path, { body, token: t.librarian, headers });
  const createOne = async (name: string, parentId = "") =>
    (await call("POST", "/api/v1/categories", { name, description: "d", parentId })).body as Body & { id: string };
  const etagOf = async (id: string) => String((await rest(t.base, "GET", `/api/v1/categories/${id}`)).headers.get("etag"));

  it("answers a create with 201 and a Location that reads the new category", async () => {
    const res = await call("POST", "/api/v1/categories", { name: "Located", description: "here" });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/api/v1/categories/${res.body.id}`);
    const got = await rest<Body>(t.base, "GET", String(res.headers.get("location")));
    expect(got.body).toEqual(res.body);
    expect(got.headers.get("etag")).toBe(res.headers.get("etag"));
    expect(
      (await rest(t.base, "GET", `/api/v1/categories/${res.body.id}`, { headers: { "if-none-match": String(got.headers.get("etag")) } }))
        .status,
    ).toBe(304);
  });

  it("refuses a PUT, PATCH or DELETE with a stale If-Match with 412 ETAG_MISMATCH, changing nothing", async () => {
    const { id } = await createOne("Guarded");
    const stale = await etagOf(id);
    expect((await call("PATCH", `/api/v1/categories/${id}`, { description: "new" }, { "if-match": stale })).status).toBe(200);
    const before = await rest<Body>(t.base, "GET", `/api/v1/categories/${id}`);
    for (const [method, body] of [
      ["PUT", { name: "Lost" }],
      ["PATCH", { name: "Lost" }],
      ["DELETE", undefined],
    ] as const) {
      const res = await call(method, `/api/v1/categories/${id}`, body, { "if-match": stale });
      expect(res.status, method).toBe(412);
      expect(errorReasonOf(res.body)).toBe("ETAG_MISMATCH");
    }
    expect((await rest<Body>(t.base, "GET", `/api/v1/categories/${id}`)).body).toEqual(before.body);
  });

  it("lets exactly one of two concurrent PATCHes with the same If-Match through", async () => {
    const { id } = await createOne("Contended");
    const etag = await etagOf(id);
    // Both requests are made to wait on the row at once, then let go together.
    const lock = await holdRowLock(t.app.db.pool, "categories", id);
    const racing = ["one", "two"].map((d) =>
      call("PATCH", `/api/v1/categories/${id}?updateMask=description`, { description: d }, { "if-match": etag }),
    );
    await lock.waitForWaiters(2);
    await lock.release();
    const results = await Promise.all(racing);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
  });

  it("PATCH changes only the named fields; a parentId in the mask is a move with the cycle rules", async () => {
    const parent = await createOne("Patch Parent");
    const child = await createOne("Patch Child", parent.id);
    const renamed = await call("PATCH", `/api/v1/categories/${child.id}?updateMask=name`, { name: "Renamed", description: "ignored" });
    expect(renamed.body).toMatchObject({ name: "Renamed", description: "d", parentId: parent.id });
    const cycle = await call("PATCH", `/api/v1/categories/${parent.id}`, { parentId: child.id });
    expect(cycle.status).toBe(400);
    expect(violatedFields(cycle.body)).toEqual(["parentId"]);
    const toRoot = await call("PATCH", `/api/v1/categories/${child.id}`, { parentId: "" });
    expect(toRoot.body).toMatchObject({ name: "Renamed", parentId: "" });
    const unknown = await call("PATCH", `/api/v1/categories/${child.id}?updateMask=colour`, { name: "x" });
    expect(violatedFields(unknown.body)).toEqual(["updateMask"]);
  });

  it("names every invalid field of a create or update at once", async () => {
    const bad = { name: " ", description: "d".repeat(2001), parentId: "not-a-uuid" };
    const created = await call("POST", "/api/v1/categories", bad);
    expect(created.status).toBe(400);
    expect(violatedFields(created.body)).toEqual(["name", "description", "parentId"]);
    const updated = await call("PUT", "/api/v1/categories/nope", bad);
    expect(violatedFields(updated.body)).toEqual(["id", "name", "description", "parentId"]);
    const patched = await call("PATCH", `/api/v1/categories/${(await createOne("Patch Valid")).id}`, { name: "", parentId: "x" });
    expect(violatedFields(patched.body)).toEqual(["name", "parentId"]);
  });
});
