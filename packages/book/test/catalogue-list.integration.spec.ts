import { beforeAll, describe, expect, it } from "vitest";
import { type Body, type BookTestApp, isbn10Of } from "./book-test-app.js";
import type { Catalogue } from "./catalogue-helpers.js";
import { useCatalogueSuite } from "./catalogue-suite.js";

const ORDERS = ["title", "title desc", "publishedYear", "publishedYear desc", "createdAt", "createdAt desc"];
const SQL_ORDER: Record<string, string> = {
  title: "lower(title), id",
  "title desc": "lower(title) desc, id desc",
  publishedYear: "published_year, id",
  "publishedYear desc": "published_year desc, id desc",
  createdAt: "created_at, id",
  "createdAt desc": "created_at desc, id desc",
};

// ListBooks through REST, with fake author and category services, on both databases.
describe("book listing", () => {
  let t: BookTestApp;
  let author: string;
  let c: Catalogue;
  useCatalogueSuite((suite) => ({ t, author, c } = suite));

  describe("ordering and paging", () => {
    let pager: string;

    beforeAll(async () => {
      pager = t.authors.add();
      const titles = ["Alpha", "alpha", "Beta", "ALPHA", "beta", "Gamma"];
      const years = [1990, 1990, 2000, 0];
      await c.insertBooks(
        pager,
        Array.from({ length: 24 }, (_, i) => ({ title: titles[i % titles.length], year: years[i % years.length] })),
      );
      // Timestamps a microsecond apart (and two equal): a millisecond cursor would skip or repeat these.
      const micros = ["000001", "000002", "000002", "000003", "000999", "001000"];
      await c.insertBooks(
        pager,
        micros.map((us) => ({ title: "alpha", year: 1990, createdAt: `2024-01-01T00:00:00.${us}Z` })),
      );
    });

    it.each(ORDERS)("orderBy=%s pages through every book exactly once, in order, whatever the page size", async (orderBy) => {
      const expected = (
        await t.sql<{ id: string }>(`select id from books where author_id = $1 order by ${SQL_ORDER[orderBy]}`, [pager])
      ).map((r) => r.id);
      expect(expected).toHaveLength(30);
      for (const pageSize of [1, 4, 7, 30]) {
        const ids = await c.pageThrough(`authorId=${pager}&orderBy=${encodeURIComponent(orderBy)}`, pageSize);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toEqual(expected);
      }
    });

    it("orders by createdAt ascending by default, with totalSize over all pages", async () => {
      const first = await c.list(`authorId=${pager}&pageSize=5`);
      expect(first.body.totalSize).toBe(30);
      expect((first.body.books as Body[])[0].createdAt).toBe("2024-01-01T00:00:00Z");
      expect(first.body.nextPageToken).not.toBe("");
    });

    it("stays stable under inserts: a book sorting before the cursor shifts nothing", async () => {
      const shelf = t.authors.add();
      await c.insertBooks(
        shelf,
        ["C", "D", "E", "F"].map((title) => ({ title, year: 2001 })),
      );
      const first = await c.list(`authorId=${shelf}&orderBy=title&pageSize=2`);
      expect((first.body.books as Body[]).map((b) => b.title)).toEqual(["C", "D"]);
      await c.insertBooks(shelf, [{ title: "A", year: 2001 }]);
      const second = await c.list(`authorId=${shelf}&orderBy=title&pageSize=2&pageToken=${first.body.nextPageToken}`);
      expect((second.body.books as Body[]).map((b) => b.title)).toEqual(["E", "F"]);
      expect(second.body).toMatchObject({ nextPageToken: "", totalSize: 5 });
    });

    it("refuses a token of another query or order, and a forged one, naming pageToken", async () => {
      const first = await c.list(`authorId=${pager}&orderBy=title&pageSize=2`);
      const token = String(first.body.nextPageToken);
      for (const query of [
        `authorId=${pager}&orderBy=title%20desc`,
        `authorId=${pager}&orderBy=publishedYear`,
        `authorId=${author}&orderBy=title`,
        "orderBy=title",
      ]) {
        const res = await c.list(`${query}&pageToken=${token}`);
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.details)).toContain('"field":"pageToken"');
      }
      const fingerprint = JSON.parse(Buffer.from(token, "base64url").toString()).f;
      const forged = Buffer.from(JSON.stringify({ c: ["alpha", "not-a-uuid"], f: fingerprint })).toString("base64url");
      expect((await c.list(`authorId=${pager}&orderBy=title&pageToken=${forged}`)).status).toBe(400);
      const wrongType = Buffer.from(JSON.stringify({ c: [1990, "3f1e2d3c-0000-4000-8000-000000000000"], f: fingerprint })).toString(
        "base64url",
      );
      expect((await c.list(`authorId=${pager}&orderBy=title&pageToken=${wrongType}`)).status).toBe(400);
    });
  });

  describe("filters", () => {
    it("searches q case-insensitively in the title, as text rather than a pattern", async () => {
      const darkness = await c.createBare({ title: "The Left Hand of Darkness" });
      await c.createBare({ title: "100% Pure" });
      await c.createBare({ title: "1000 Pure" });
      expect(c.idsOf(await c.list("q=left%20HAND"))).toEqual([darkness.id]);
      expect((await c.list(`q=${encodeURIComponent("0%")}`)).body.books).toMatchObject([{ title: "100% Pure" }]);
    });

    it("searches q in the ISBN: the whole ISBN in either form, or its first digits", async () => {
      const book = await c.createBare({ title: "Found by ISBN" });
      const hyphenated = `${book.isbn.slice(0, 3)}-${book.isbn.slice(3, 4)}-${book.isbn.slice(4, 12)}-${book.isbn.slice(12)}`;
      for (const q of [book.isbn, isbn10Of(book.isbn), hyphenated, book.isbn.slice(0, 11)]) {
        expect(c.idsOf(await c.list(`q=${encodeURIComponent(q)}`))).toContain(book.id);
      }
      expect(c.idsOf(await c.list(`q=${book.isbn.slice(1)}`))).toEqual([]);
    });

    it("filters by author and by availability", async () => {
      const reader = t.authors.add();
      const none = await c.createBare({ authorId: reader, title: "None", totalCopies: 0 });
      const lent = await c.createBare({ authorId: reader, title: "Lent", totalCopies: 1 });
      const shelved = await c.createBare({ authorId: reader, title: "Shelved", totalCopies: 2 });
      await c.lendByHand(lent.id, 1);
      expect((await c.list(`authorId=${reader}`)).body).toMatchObject({ totalSize: 3 });
      expect(c.idsOf(await c.list(`authorId=${reader}&available=true`))).toEqual([shelved.id]);
      expect(c.idsOf(await c.list(`authorId=${reader}&available=false&orderBy=title`))).toEqual([lent.id, none.id]);
      expect((await c.list(`authorId=${reader}&available=false`)).body).toMatchObject({ totalSize: 2, nextPageToken: "" });
    });

    it("filters by category (members asked once) and fills categoryIds with one call per page", async () => {
      const poetry = t.categories.add();
      const epic = t.categories.add();
      const books = [];
      for (let i = 0; i < 5; i++) books.push(await c.createBare({ title: `Poem ${i}`, categoryIds: i % 2 ? [poetry, epic] : [poetry] }));
      await c.createBare({ title: "Poem elsewhere", categoryIds: [epic] });
      const before = { ...t.categories.calls };
      const first = await c.list(`categoryId=${poetry}&orderBy=title&pageSize=3`);
      expect(first.body.totalSize).toBe(5);
      expect((first.body.books as Body[]).map((b) => [b.title, b.categoryIds])).toEqual([
        ["Poem 0", [poetry]],
        ["Poem 1", [poetry, epic].sort()],
        ["Poem 2", [poetry]],
      ]);
      expect(t.categories.calls.categoriesOf - before.categoriesOf).toBe(1);
      expect(t.categories.calls.itemsIn - before.itemsIn).toBe(1);
      const second = await c.list(`categoryId=${poetry}&orderBy=title&pageSize=3&pageToken=${first.body.nextPageToken}`);
      expect(c.idsOf(second)).toEqual([books[3].id, books[4].id]);
      expect(second.body.totalSize).toBe(5);
      expect(t.categories.calls.categoriesOf - before.categoriesOf).toBe(2);
      expect((await c.list(`categoryId=${t.categories.add()}`)).body).toEqual({ books: [], nextPageToken: "", totalSize: 0 });
    });

    it("counts a category's matches past a token whose rest is gone, and with the other filters", async () => {
      const shelf = t.categories.add();
      const books = [];
      for (let i = 0; i < 4; i++) books.push(await c.createBare({ title: `Shelf ${i}`, categoryIds: [shelf], totalCopies: i % 2 }));
      const first = await c.list(`categoryId=${shelf}&orderBy=title&pageSize=2`);
      expect(first.body).toMatchObject({ totalSize: 4 });
      // The rest of the listing goes behind the category service's back: its links remain.
      await t.sql("delete from books where id = any($1::uuid[])", [[books[2].id, books[3].id]]);
      const past = await c.list(`categoryId=${shelf}&orderBy=title&pageSize=2&pageToken=${first.body.nextPageToken}`);
      expect(past.body).toEqual({ books: [], nextPageToken: "", totalSize: 2 });
      expect((await c.list(`categoryId=${shelf}`)).body).toMatchObject({ totalSize: 2 });
      expect((await c.list(`categoryId=${shelf}&available=true`)).body).toMatchObject({ totalSize: 1 });
      expect((await c.list(`categoryId=${shelf}&available=false&q=Shelf%200`)).body).toMatchObject({ totalSize: 1 });
      expect((await c.list(`categoryId=${shelf}&available=false&q=Shelf%201`)).body).toEqual({
        books: [],
        nextPageToken: "",
        totalSize: 0,
      });
    });

    it("emits every field of a listed book, defaults included", async () => {
      const bare = await c.createBare({ title: "Listed Bare" });
      const res = await c.list("q=listed%20bare");
      expect(res.body).toEqual({ books: [bare], nextPageToken: "", totalSize: 1 });
      expect(bare).toMatchObject({ categoryIds: [], availableCopies: 0, totalCopies: 0, publishedYear: 0 });
    });

    it("answers from its own record of category ids, marked degraded, while the category service is down", async () => {
      const [shelf, other] = [t.categories.add(), t.categories.add()];
      const writer = t.authors.add();
      await c.createBare({ title: "Kept 1", authorId: writer, categoryIds: [shelf, other] });
      await c.createBare({ title: "Kept 2", authorId: writer, categoryIds: [other] });
      for (const query of [`authorId=${writer}&orderBy=title`, `categoryId=${shelf}`]) {
        const fresh = await c.list(query);
        expect(fresh.headers.get("x-degraded")).toBeNull();
        t.categories.down = true;
        const degraded = await c.list(query);
        t.categories.down = false;
        expect(degraded.status).toBe(200);
        expect(degraded.headers.get("x-degraded")).toBe("categories");
        expect(degraded.body).toEqual(fresh.body);
      }
      expect((await c.list(`categoryId=${shelf}`)).body.totalSize).toBe(1);
    });
  });

  it.each([
    ["pageSize=101", "pageSize"],
    ["pageSize=-1", "pageSize"],
    ["orderBy=author", "orderBy"],
    ["orderBy=title%20asc", "orderBy"],
    ["authorId=nope", "authorId"],
    ["categoryId=nope", "categoryId"],
    ["pageToken=garbage", "pageToken"],
  ])("rejects %s with 400 naming %s", async (query, field) => {
    const res = await c.list(query);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(JSON.stringify(res.body.details)).toContain(`"field":"${field}"`);
  });

  it("rejects available=maybe with 400", async () => {
    expect((await c.list("available=maybe")).status).toBe(400);
  });
});
