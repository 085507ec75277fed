import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { type BookTestApp, isbn10Of, nextIsbn, WITH_SERVER_KEY } from "./book-test-app.js";
import { ABSENT, type Catalogue, expectInvalid, sorted } from "./catalogue-helpers.js";
import { useCatalogueSuite } from "./catalogue-suite.js";

// CreateBook, GetBook, access rules and CountAuthorBooks through REST, with fake author and category services, on both databases.
describe("book catalogue", () => {
  let t: BookTestApp;
  let author: string;
  let fantasy: string;
  let classics: string;
  let c: Catalogue;
  useCatalogueSuite((suite) => ({ t, author, fantasy, classics, c } = suite), { failAtCommit: true });

  describe("CreateBook", () => {
    it("creates a book with every field, stores an ISBN-10 as ISBN-13 and links its categories", async () => {
      const isbn13 = nextIsbn();
      const res = await t.call(
        "POST",
        "/api/v1/books",
        c.draft({ title: "  Dune ", isbn: isbn10Of(isbn13), categoryIds: [fantasy, classics, fantasy] }),
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        title: "Dune",
        isbn: isbn13,
        authorId: author,
        categoryIds: sorted([fantasy, classics]),
        publisher: "Chilton",
        publishedYear: 1965,
        language: "en",
        description: "Spice.",
        totalCopies: 3,
        availableCopies: 3,
      });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(t.categories.linksOf(String(res.body.id))).toEqual(sorted([fantasy, classics]));
      expect(t.categories.bearers.at(-1)).toBe(t.librarian);
      const got = await t.call("GET", `/api/v1/books/${res.body.id}`, undefined, "");
      expect(got.body).toEqual(res.body);
    });

    it("emits fields at their default value, asking nothing of the category service for no categories", async () => {
      const replaced = t.categories.calls.setItemLinks;
      const res = await t.call("POST", "/api/v1/books", { title: "Bare", isbn: nextIsbn(), authorId: author });
      expect(res.body).toMatchObject({
        categoryIds: [],
        publisher: "",
        publishedYear: 0,
        language: "",
        description: "",
        totalCopies: 0,
        availableCopies: 0,
      });
      expect(t.categories.calls.setItemLinks).toBe(replaced);
    });

    it.each([
      [{ isbn: "978-0-306-40615-8" }, "isbn"],
      [{ isbn: "0-306-40615-3" }, "isbn"],
      [{ isbn: "12345" }, "isbn"],
      [{ title: "  " }, "title"],
      [{ authorId: "nope" }, "authorId"],
      [{ categoryIds: [ABSENT, "nope"] }, "categoryIds[1]"],
      [{ publishedYear: 9999 }, "publishedYear"],
      [{ totalCopies: 10_001 }, "totalCopies"],
      [{ totalCopies: -1 }, "totalCopies"],
      [{ publisher: "p".repeat(201) }, "publisher"],
      [{ unknownField: 1 }, "unknownField"],
    ])("rejects %j with 400 naming %s, writing nothing", async (over, field) => {
      const body = c.draft(over);
      expectInvalid(await t.call("POST", "/api/v1/books", body), field);
      expect(await c.booksWithIsbn(String(body.isbn).replace(/-/g, ""))).toBe(0);
    });

    it("refuses a taken ISBN with 409, also when given in its other form", async () => {
      const first = await c.createBook();
      for (const isbn of [first.isbn, isbn10Of(first.isbn), `${first.isbn.slice(0, 3)}-${first.isbn.slice(3)}`]) {
        const res = await t.call("POST", "/api/v1/books", c.draft({ isbn, categoryIds: [fantasy] }));
        expect(res.status).toBe(409);
        expect(res.body.code).toBe(6);
      }
      expect(await c.booksWithIsbn(first.isbn)).toBe(1);
    });

    it("answers 404 naming the author when it does not exist, writing nothing", async () => {
      const body = c.draft({ authorId: ABSENT });
      const res = await t.call("POST", "/api/v1/books", body);
      expect(res.status).toBe(404);
      expect(res.body.message).toContain(`author ${ABSENT}`);
      expect(await c.booksWithIsbn(String(body.isbn))).toBe(0);
    });

    it("answers 503 while the author service is down, writing nothing", async () => {
      t.authors.down = true;
      const body = c.draft();
      const res = await t.call("POST", "/api/v1/books", body);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe(14);
      expect(await c.booksWithIsbn(String(body.isbn))).toBe(0);
    });

    it("answers 404 for an unknown category and writes nothing on either side", async () => {
      const body = c.draft({ categoryIds: [fantasy, ABSENT] });
      const res = await t.call("POST", "/api/v1/books", body);
      expect(res.status).toBe(404);
      expect(res.body.message).toContain(ABSENT);
      expect(await c.booksWithIsbn(String(body.isbn))).toBe(0);
    });

    it("answers 503 while the category service is down and writes nothing", async () => {
      t.categories.down = true;
      const body = c.draft({ categoryIds: [fantasy] });
      const res = await t.call("POST", "/api/v1/books", body);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe(14);
      expect(await c.booksWithIsbn(String(body.isbn))).toBe(0);
    });

    it("needs no category service when the book has no categories", async () => {
      t.categories.down = true;
      expect((await t.call("POST", "/api/v1/books", c.draft())).status).toBe(201);
    });

    it("leaves no links once reconciled when COMMIT fails after they were made", async () => {
      const before = new Set(t.categories.links.keys());
      const body = c.draft({ title: "Fails at commit on create", categoryIds: [fantasy] });
      const res = await t.call("POST", "/api/v1/books", body);
      expect(res.status).toBe(500);
      expect(res.body.message).toBe("internal error");
      expect(await c.booksWithIsbn(String(body.isbn))).toBe(0);
      await t.app.reconciler.repairQueued();
      expect([...t.categories.links.keys()].filter((item) => !before.has(item))).toEqual([]);
    });
  });

  describe("GetBook", () => {
    it("answers 400 for a bad id and 404 for an absent one", async () => {
      expectInvalid(await t.call("GET", "/api/v1/books/not-a-uuid"), "id");
      const absent = await t.call("GET", `/api/v1/books/${ABSENT}`);
      expect(absent.status).toBe(404);
      expect(absent.body.code).toBe(5);
    });

    it("reads the category ids from the category service, and its own record marked degraded while it is down", async () => {
      const book = await c.createBook({ categoryIds: [classics] });
      const calls = t.categories.calls.categoriesOf;
      const fresh = await t.call("GET", `/api/v1/books/${book.id}`);
      expect(fresh.body.categoryIds).toEqual([classics]);
      expect(fresh.headers.get("x-degraded")).toBeNull();
      expect(t.categories.calls.categoriesOf).toBe(calls + 1);
      t.categories.down = true;
      const degraded = await t.call("GET", `/api/v1/books/${book.id}`);
      expect(degraded.status).toBe(200);
      expect(degraded.body).toEqual(fresh.body);
      expect(degraded.headers.get("x-degraded")).toBe("categories");
      let metadata: Headers | undefined;
      const overGrpc = await t.grpc.getBook({ id: book.id }, { ...WITH_SERVER_KEY, onHeader: (h) => (metadata = h) });
      expect(overGrpc.categoryIds).toEqual([classics]);
      expect(metadata?.get("x-degraded")).toBe("categories");
    });
  });

  describe("access", () => {
    it("refuses writes without a token (401) and from a member (403), writing nothing", async () => {
      const book = await c.createBook();
      const writes: [string, string, unknown][] = [
        ["POST", "/api/v1/books", c.draft({ title: "Guarded Write" })],
        ["PUT", `/api/v1/books/${book.id}`, c.draft({ title: "Guarded Write", isbn: book.isbn })],
        ["DELETE", `/api/v1/books/${book.id}`, undefined],
      ];
      for (const [method, path, body] of writes) {
        expect((await t.call(method, path, body, "")).status).toBe(401);
        const denied = await t.call(method, path, body, t.member);
        expect(denied.status).toBe(403);
        expect(denied.body.code).toBe(7);
      }
      expect((await t.sql("select 1 from books where title = 'Guarded Write'")).length).toBe(0);
      expect((await t.call("GET", `/api/v1/books/${book.id}`, undefined, t.member)).body.title).toBe("Dune");
    });

    it("rejects an expired token with 401 even on an open method", async () => {
      const expired = await t.issuer.token("ROLE_LIBRARIAN", undefined, { expiresIn: "-1m" });
      expect((await t.call("GET", "/api/v1/books", undefined, expired)).status).toBe(401);
    });

    it("answers malformed JSON with 400", async () => {
      const res = await fetch(`${t.base}/api/v1/books`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${t.librarian}` },
        body: "{nope",
      });
      expect(res.status).toBe(400);
    });
  });

  describe("CountAuthorBooks (gRPC only)", () => {
    it("counts an author's books for a caller with the server key", async () => {
      const prolific = t.authors.add();
      await c.createBook({ authorId: prolific });
      await c.createBook({ authorId: prolific });
      expect((await t.grpc.countAuthorBooks({ authorId: prolific }, WITH_SERVER_KEY)).count).toBe(2);
      expect((await t.grpc.countAuthorBooks({ authorId: ABSENT }, WITH_SERVER_KEY)).count).toBe(0);
      await expect(t.grpc.countAuthorBooks({ authorId: "nope" }, WITH_SERVER_KEY)).rejects.toMatchObject({ code: Code.InvalidArgument });
    });

    it("needs the server key, and has no REST route", async () => {
      const err = await t.grpc.countAuthorBooks({ authorId: ABSENT }).catch((e: unknown) => e);
      expect(ConnectError.from(err).code).toBe(Code.Unauthenticated);
      expect((await t.call("POST", "/library.book.v1.BookService/CountAuthorBooks", { authorId: ABSENT })).status).toBe(404);
    });
  });
});
