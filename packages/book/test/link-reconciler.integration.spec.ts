import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type BookTestApp, startBookTestApp } from "./book-test-app.js";
import { catalogueOf, sorted } from "./catalogue-helpers.js";

// Link writes while the category service is frozen (its calls end at the deadline, and it carries
// them out late when thawed, as a SIGSTOPped process does), then the reconciler, on real databases.
describe("category link reconciler", () => {
  let t: BookTestApp;
  let c: ReturnType<typeof catalogueOf>;
  let fantasy: string;
  let classics: string;

  beforeAll(async () => {
    t = await startBookTestApp();
    c = catalogueOf(t, t.authors.add());
    fantasy = t.categories.add();
    classics = t.categories.add();
  });
  afterAll(async () => t?.stop());
  beforeEach(() => t.categories.thaw());

  const queued = async () => (await t.sql<{ item_id: string }>("select item_id from category_link_outbox")).map((r) => r.item_id);
  const bookExists = async (id: string) => (await t.sql("select 1 from books where id = $1", [id])).length === 1;

  it("CreateBook answers 503 and creates nothing; the links the frozen service makes late are removed", async () => {
    const before = new Set(t.categories.links.keys());
    t.categories.frozen = true;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.call("POST", "/api/v1/books", c.draft({ categoryIds: [fantasy] }))),
    );
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503, 503, 503]);
    expect(answers[0].body.message).toContain("nothing was changed");
    t.categories.thaw();
    const orphans = [...t.categories.links.keys()].filter((id) => !before.has(id));
    expect(orphans).toHaveLength(5); // the fault: the late writes did happen there
    for (const id of orphans) expect(await bookExists(id)).toBe(false);
    expect(await t.app.reconciler.repairQueued()).toMatchObject({ failed: false });
    expect([...t.categories.links.keys()].filter((id) => !before.has(id))).toEqual([]);
    expect(await queued()).toEqual([]);
  });

  it("DeleteBook answers 503 and keeps the book; the links the frozen service removes late come back", async () => {
    const book = await c.createBook({ categoryIds: [fantasy, classics] });
    t.categories.frozen = true;
    expect((await t.call("DELETE", `/api/v1/books/${book.id}`)).status).toBe(503);
    t.categories.thaw();
    expect(t.categories.linksOf(book.id)).toEqual([]);
    await t.app.reconciler.repairQueued();
    expect(t.categories.linksOf(book.id)).toEqual(sorted([fantasy, classics]));
    expect((await t.call("GET", `/api/v1/books/${book.id}`)).body.categoryIds).toEqual(sorted([fantasy, classics]));
    expect(await queued()).toEqual([]);
  });

  it("UpdateBook answers 503 and changes nothing; the set the frozen service applies late is put back", async () => {
    const book = await c.createBook({ categoryIds: [fantasy] });
    t.categories.frozen = true;
    const res = await t.call("PUT", `/api/v1/books/${book.id}`, c.draft({ isbn: book.isbn, title: "Changed", categoryIds: [classics] }));
    expect(res.status).toBe(503);
    t.categories.thaw();
    expect(t.categories.linksOf(book.id)).toEqual([classics]);
    await t.app.reconciler.repairQueued();
    expect(t.categories.linksOf(book.id)).toEqual([fantasy]);
    expect((await t.call("GET", `/api/v1/books/${book.id}`)).body).toMatchObject({ title: "Dune", categoryIds: [fantasy] });
  });

  it("keeps an item queued while the category service is away, and repairs it once it answers", async () => {
    const before = new Set(t.categories.links.keys());
    t.categories.frozen = true;
    expect((await t.call("POST", "/api/v1/books", c.draft({ categoryIds: [classics] }))).status).toBe(503);
    expect(await t.app.reconciler.repairQueued()).toEqual({ repaired: 0, failed: true });
    expect(await queued()).toHaveLength(1);
    t.categories.thaw();
    expect(await t.app.reconciler.repairQueued()).toEqual({ repaired: 1, failed: false });
    expect([...t.categories.links.keys()].filter((id) => !before.has(id))).toEqual([]);
  });

  it("leaves out a desired category deleted meanwhile, here as there", async () => {
    const gone = t.categories.add();
    const book = await c.createBook({ categoryIds: [fantasy, gone] });
    t.categories.known.delete(gone);
    t.categories.links.set(book.id, [fantasy]); // DeleteCategory removes its links
    await t.sql("insert into category_link_outbox (item_id) values ($1)", [book.id]);
    await t.app.reconciler.repairQueued();
    expect(t.categories.linksOf(book.id)).toEqual([fantasy]);
    expect(await t.sql("select category_ids from book_category_sets where book_id = $1", [book.id])).toEqual([{ category_ids: [fantasy] }]);
  });
});

describe("category link reconciler, running by itself", () => {
  let t: BookTestApp;

  beforeAll(async () => {
    t = await startBookTestApp({}, { idleMs: 60_000, firstRetryMs: 20, maxRetryMs: 100 });
  });
  afterAll(async () => t?.stop());

  it("repairs after an unanswered write without being asked, once the category service answers", async () => {
    const c = catalogueOf(t, t.authors.add());
    const category = t.categories.add();
    t.categories.frozen = true;
    const res = await t.call("POST", "/api/v1/books", c.draft({ categoryIds: [category] }));
    expect(res.status).toBe(503);
    t.categories.thaw();
    expect([...t.categories.links.values()].flat()).toContain(category);
    // The reconciler unqueues the item in the transaction that repairs it: wait for both.
    const repaired = async () =>
      ![...t.categories.links.values()].flat().includes(category) && (await t.sql("select 1 from category_link_outbox")).length === 0;
    const deadline = Date.now() + 10_000;
    while (!(await repaired()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect([...t.categories.links.values()].flat()).not.toContain(category);
    expect(await t.sql("select item_id from category_link_outbox")).toEqual([]);
  });
});
