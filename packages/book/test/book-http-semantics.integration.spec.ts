import { errorReasonOf, violatedFields } from "@lms/platform/testing/error-details";
import { rest } from "@lms/platform/testing/rest-client";
import { holdRowLock } from "@lms/platform/testing/row-lock";
import { describe, expect, it } from "vitest";
import { type Body, type BookTestApp, nextIsbn } from "./book-test-app.js";
import { useCatalogueSuite } from "./catalogue-suite.js";

// DESIGN.md §2/§3 HTTP semantics on the book service, REST through the real app on real PostgreSQL (fake peers).
describe("book HTTP semantics", () => {
  let t: BookTestApp;
  let authorId: string;
  useCatalogueSuite((suite) => ({ t, author: authorId } = suite));

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    rest<Body>(t.base, method, path, { body, token: t.librarian, headers });
  const bookBody = (extra: Record<string, unknown> = {}) => ({ title: "Dune", isbn: nextIsbn(), authorId, totalCopies: 2, ...extra });
  const createOne = async (extra: Record<string, unknown> = {}) =>
    (await call("POST", "/api/v1/books", bookBody(extra))).body as Body & { id: string };
  const read = (id: string) => rest<Body>(t.base, "GET", `/api/v1/books/${id}`);

  it("answers a create with 201 and a Location that reads the new book; a borrow keeps 200", async () => {
    const res = await call("POST", "/api/v1/books", bookBody());
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/api/v1/books/${res.body.id}`);
    const got = await rest<Body>(t.base, "GET", String(res.headers.get("location")));
    expect(got.body).toEqual(res.body);
    expect((await rest(t.base, "POST", `/api/v1/books/${res.body.id}/borrow`, { body: {}, token: t.member })).status).toBe(200);
  });

  it("changes the ETag when a borrow changes the copies on the shelf, so If-None-Match and If-Match see it", async () => {
    const { id } = await createOne();
    const etag = String((await read(id)).headers.get("etag"));
    expect((await rest(t.base, "GET", `/api/v1/books/${id}`, { headers: { "if-none-match": etag } })).status).toBe(304);
    await rest(t.base, "POST", `/api/v1/books/${id}/borrow`, { body: {}, token: t.member });
    const after = await rest<Body>(t.base, "GET", `/api/v1/books/${id}`, { headers: { "if-none-match": etag } });
    expect(after.status).toBe(200);
    expect(after.body.availableCopies).toBe(1);
    const stale = await call("PATCH", `/api/v1/books/${id}`, { title: "Stale" }, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect(errorReasonOf(stale.body)).toBe("ETAG_MISMATCH");
    expect((await read(id)).body.title).toBe("Dune");
  });

  it("refuses PUT and DELETE with a stale If-Match (412), changing nothing, and accepts the current tag", async () => {
    const category = t.categories.add();
    const { id } = await createOne({ categoryIds: [category] });
    const stale = String((await read(id)).headers.get("etag"));
    expect((await call("PATCH", `/api/v1/books/${id}?updateMask=language`, { language: "en" }, { "if-match": stale })).status).toBe(200);
    const before = await read(id);
    expect((await call("PUT", `/api/v1/books/${id}`, bookBody({ categoryIds: [] }), { "if-match": stale })).status).toBe(412);
    expect((await call("DELETE", `/api/v1/books/${id}`, undefined, { "if-match": stale })).status).toBe(412);
    expect((await read(id)).body).toEqual(before.body);
    expect(t.categories.linksOf(id)).toEqual([category]);
    expect((await call("DELETE", `/api/v1/books/${id}`, undefined, { "if-match": String(before.headers.get("etag")) })).status).toBe(200);
  });

  it("lets exactly one of two concurrent PATCHes with the same If-Match through", async () => {
    const { id } = await createOne();
    const etag = String((await read(id)).headers.get("etag"));
    // Both requests are made to wait at once (on the row, or on the book's turn in the link queue), then let go together.
    const lock = await holdRowLock(t.app.db.pool, "books", id);
    const racing = [3, 4].map((n) => call("PATCH", `/api/v1/books/${id}?updateMask=totalCopies`, { totalCopies: n }, { "if-match": etag }));
    await lock.waitForWaiters(2);
    await lock.release();
    const results = await Promise.all(racing);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    expect((await read(id)).body.totalCopies).toBe(results.find((r) => r.status === 200)?.body.totalCopies);
  });

  it("PATCH changes only the named fields, keeps the category links unless named, and keeps the copies rules", async () => {
    const [c1, c2] = [t.categories.add(), t.categories.add()];
    const created = await createOne({ categoryIds: [c1], publisher: "Chilton", publishedYear: 1965 });
    const id = created.id;
    const copies = await call("PATCH", `/api/v1/books/${id}?updateMask=totalCopies`, { totalCopies: 5, title: "ignored" });
    expect(copies.body).toMatchObject({
      title: "Dune",
      publisher: "Chilton",
      publishedYear: 1965,
      totalCopies: 5,
      availableCopies: 5,
      categoryIds: [c1],
    });
    expect(t.categories.linksOf(id)).toEqual([c1]);
    const relinked = await call("PATCH", `/api/v1/books/${id}`, { categoryIds: [c2] });
    expect(relinked.body.categoryIds).toEqual([c2]);
    expect(t.categories.linksOf(id)).toEqual([c2]);
    await rest(t.base, "POST", `/api/v1/books/${id}/borrow`, { body: {}, token: t.member });
    const below = await call("PATCH", `/api/v1/books/${id}`, { totalCopies: 0 });
    expect(below.status).toBe(400);
    expect(errorReasonOf(below.body)).toBe("COPIES_BELOW_ON_LOAN");
    const unknown = await call("PATCH", `/api/v1/books/${id}?updateMask=title,pages`, { title: "x" });
    expect(violatedFields(unknown.body)).toEqual(["updateMask"]);
    expect((await read(id)).body).toMatchObject({ title: "Dune", totalCopies: 5, categoryIds: [c2] });
  });

  it("names every invalid field of a create, update or patch at once", async () => {
    const bad = { title: "", isbn: "123", authorId: "x", publishedYear: 99999, totalCopies: -1 };
    const created = await call("POST", "/api/v1/books", bad);
    expect(created.status).toBe(400);
    expect(violatedFields(created.body)).toEqual(["title", "isbn", "authorId", "publishedYear", "totalCopies"]);
    const updated = await call("PUT", "/api/v1/books/nope", bad);
    expect(violatedFields(updated.body)).toEqual(["id", "title", "isbn", "authorId", "publishedYear", "totalCopies"]);
    const { id } = await createOne();
    const patched = await call("PATCH", `/api/v1/books/${id}?updateMask=isbn,totalCopies`, { isbn: "1", totalCopies: -5, title: "" });
    expect(violatedFields(patched.body)).toEqual(["isbn", "totalCopies"]);
  });
});
