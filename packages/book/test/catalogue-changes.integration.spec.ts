import { describe, expect, it } from "vitest";
import { type BookTestApp, isbn10Of, nextIsbn } from "./book-test-app.js";
import { ABSENT, type Catalogue, expectRefusal, sorted } from "./catalogue-helpers.js";
import { useCatalogueSuite } from "./catalogue-suite.js";

// UpdateBook and DeleteBook through REST, with fake author and category services, on both databases.
describe("book catalogue changes", () => {
  let t: BookTestApp;
  let author: string;
  let fantasy: string;
  let classics: string;
  let c: Catalogue;
  useCatalogueSuite((suite) => ({ t, author, fantasy, classics, c } = suite), { failAtCommit: true });

  describe("UpdateBook", () => {
    const update = (id: string, over: Record<string, unknown> = {}, token?: string) =>
      t.call("PUT", `/api/v1/books/${id}`, c.draft(over), token);

    it("replaces every writable field, the category set included", async () => {
      const book = await c.createBook({ categoryIds: [fantasy], description: "old" });
      const isbn = nextIsbn();
      const res = await update(book.id, { title: "Dune Messiah", isbn: isbn10Of(isbn), categoryIds: [classics], totalCopies: 5 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: book.id,
        title: "Dune Messiah",
        isbn,
        categoryIds: [classics],
        description: "Spice.",
        totalCopies: 5,
        availableCopies: 5,
        createdAt: book.createdAt,
      });
      expect(t.categories.linksOf(book.id)).toEqual([classics]);
      expect((await t.call("GET", `/api/v1/books/${book.id}`)).body).toEqual(res.body);
      const cleared = await t.call("PUT", `/api/v1/books/${book.id}`, { title: "Dune Messiah", isbn, authorId: author });
      expect(cleared.body).toMatchObject({ categoryIds: [], publisher: "", totalCopies: 0, availableCopies: 0 });
      expect(t.categories.linksOf(book.id)).toEqual([]);
    });

    it("answers 404 for an absent book and 409 for an ISBN another book has", async () => {
      expect((await update(ABSENT)).status).toBe(404);
      const [a, b] = [await c.createBook(), await c.createBook()];
      const clash = await update(b.id, { isbn: isbn10Of(a.isbn) });
      expect(clash.status).toBe(409);
      expect((await t.call("GET", `/api/v1/books/${b.id}`)).body.isbn).toBe(b.isbn);
      expect((await update(a.id, { isbn: a.isbn, title: "Same ISBN kept" })).status).toBe(200);
    });

    it("checks a new author only: 404 for an unknown one, and the author service is not needed otherwise", async () => {
      const book = await c.createBook();
      expect((await update(book.id, { isbn: book.isbn, authorId: ABSENT })).status).toBe(404);
      t.authors.down = true;
      expect((await update(book.id, { isbn: book.isbn, title: "Same author" })).status).toBe(200);
      expect((await update(book.id, { isbn: book.isbn, authorId: t.authors.add() })).status).toBe(503);
    });

    it("never sets totalCopies below the copies on loan (COPIES_BELOW_ON_LOAN), and shifts the shelf by the difference", async () => {
      const book = await c.createBook({ totalCopies: 3 });
      await c.lendByHand(book.id, 2);
      const refused = await update(book.id, { isbn: book.isbn, totalCopies: 1, title: "Refused" });
      expectRefusal(refused, "COPIES_BELOW_ON_LOAN");
      expect(refused.body.details?.[0]).toMatchObject({ metadata: { bookId: book.id, totalCopies: "1", onLoan: "2" } });
      expect((await t.call("GET", `/api/v1/books/${book.id}`)).body).toMatchObject({ title: "Dune", totalCopies: 3, availableCopies: 1 });
      expect((await update(book.id, { isbn: book.isbn, totalCopies: 2 })).body).toMatchObject({ totalCopies: 2, availableCopies: 0 });
      expect((await update(book.id, { isbn: book.isbn, totalCopies: 6 })).body).toMatchObject({ totalCopies: 6, availableCopies: 4 });
    });

    it("answers 404 for an unknown category and 503 while the category service is down, changing nothing", async () => {
      const book = await c.createBook({ categoryIds: [fantasy] });
      expect((await update(book.id, { isbn: book.isbn, title: "Changed", categoryIds: [ABSENT] })).status).toBe(404);
      t.categories.down = true;
      expect((await update(book.id, { isbn: book.isbn, title: "Changed", categoryIds: [classics] })).status).toBe(503);
      t.categories.down = false;
      expect((await t.call("GET", `/api/v1/books/${book.id}`)).body).toMatchObject({ title: "Dune", categoryIds: [fantasy] });
    });

    it("puts the previous category set back (reconciled) when COMMIT fails after the replacement", async () => {
      const book = await c.createBook({ categoryIds: [fantasy] });
      const res = await update(book.id, { isbn: book.isbn, title: "Fails at commit on update", categoryIds: [classics] });
      expect(res.status).toBe(500);
      await t.app.reconciler.repairQueued();
      expect(t.categories.linksOf(book.id)).toEqual([fantasy]);
      expect((await t.call("GET", `/api/v1/books/${book.id}`)).body.title).toBe("Dune");
    });
  });

  describe("DeleteBook", () => {
    it("refuses while a copy is on loan (BOOK_HAS_OPEN_LOANS), then deletes the book and its links", async () => {
      const book = await c.createBook({ categoryIds: [fantasy, classics] });
      await c.lendByHand(book.id, 1);
      expectRefusal(await t.call("DELETE", `/api/v1/books/${book.id}`), "BOOK_HAS_OPEN_LOANS");
      expect(t.categories.linksOf(book.id)).toHaveLength(2);
      await t.sql("update loans set returned_at = now() where book_id = $1", [book.id]);
      expect((await t.call("DELETE", `/api/v1/books/${book.id}`)).body).toEqual({});
      expect(t.categories.linksOf(book.id)).toEqual([]);
      expect((await t.call("GET", `/api/v1/books/${book.id}`)).status).toBe(404);
      expect((await t.call("DELETE", `/api/v1/books/${book.id}`)).status).toBe(404);
    });

    it("answers 503 while the category service is down and keeps the book and its links", async () => {
      const book = await c.createBook({ categoryIds: [fantasy] });
      t.categories.down = true;
      expect((await t.call("DELETE", `/api/v1/books/${book.id}`)).status).toBe(503);
      t.categories.down = false;
      expect((await t.call("GET", `/api/v1/books/${book.id}`)).body.categoryIds).toEqual([fantasy]);
    });

    it("restores the links (reconciled) when COMMIT fails after they were removed", async () => {
      const book = await c.createBook({ title: "Undeletable", categoryIds: [fantasy, classics] });
      expect((await t.call("DELETE", `/api/v1/books/${book.id}`)).status).toBe(500);
      await t.app.reconciler.repairQueued();
      expect(t.categories.linksOf(book.id)).toEqual(sorted([fantasy, classics]));
      expect((await t.call("GET", `/api/v1/books/${book.id}`)).status).toBe(200);
    });
  });
});
