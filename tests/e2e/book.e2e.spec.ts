import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, nextIsbn, registerMember } from "./support/fixtures.js";
import { grpcClient, grpcCode } from "./support/grpc-clients.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

// Real processes (auth, author, category, book), real PostgreSQL: the book service asks its peers over gRPC.
describe("book service end to end", () => {
  let stack: Stack;
  let auth: string;
  let authorUrl: string;
  let categoryUrl: string;
  let book: string;
  let admin: string;
  let authorId: string;
  let categoryId: string;

  beforeAll(async () => {
    stack = await startStack(["auth", "author", "category", "book"]);
    auth = stack.services.auth.baseUrl;
    authorUrl = stack.services.author.baseUrl;
    categoryUrl = stack.services.category.baseUrl;
    book = stack.services.book.baseUrl;
    const login = await rest<Body>(auth, "POST", "/api/v1/auth/login", { body: ADMIN });
    expect(login.status).toBe(200);
    admin = String(login.body.accessToken);
    authorId = String((await rest<Body>(authorUrl, "POST", "/api/v1/authors", { token: admin, body: { name: "Frank Herbert" } })).body.id);
    categoryId = String(
      (await rest<Body>(categoryUrl, "POST", "/api/v1/categories", { token: admin, body: { name: "Science Fiction" } })).body.id,
    );
  });
  afterAll(async () => stack?.stop());

  const createBook = (body: Record<string, unknown>, token = admin) =>
    rest<Body>(book, "POST", "/api/v1/books", { token, body: { isbn: nextIsbn(), authorId, ...body } });
  const memberToken = async (email: string) => (await registerMember(auth, email)).token;

  it("creates a book linked to a category, reads the links back and finds it by category; an author with books stays", async () => {
    const created = await createBook({ title: "Dune", categoryIds: [categoryId], totalCopies: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: "Dune", authorId, categoryIds: [categoryId], availableCopies: 2 });
    const id = String(created.body.id);
    expect((await rest<Body>(book, "GET", `/api/v1/books/${id}`)).body).toEqual(created.body);
    const links = await rest<Body>(categoryUrl, "GET", `/api/v1/items/${id}/categories`);
    expect((links.body.categories as Body[]).map((c) => c.id)).toEqual([categoryId]);
    const listed = await rest<Body>(book, "GET", `/api/v1/books?categoryId=${categoryId}`);
    expect(listed.body).toMatchObject({ totalSize: 1, books: [{ id, categoryIds: [categoryId] }] });

    const refused = await rest<Body>(authorUrl, "DELETE", `/api/v1/authors/${authorId}`, { token: admin });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(9);
    expect(refused.body.details?.[0]).toMatchObject({ reason: "AUTHOR_HAS_BOOKS", domain: "library.author.v1" });
  });

  it("refuses an unknown author (404) and an unknown category (404), writing nothing", async () => {
    const ghost = "3f1e2d3c-0000-4000-8000-000000000000";
    expect(
      (await rest<Body>(book, "POST", "/api/v1/books", { token: admin, body: { title: "Ghost", isbn: nextIsbn(), authorId: ghost } }))
        .status,
    ).toBe(404);
    expect((await createBook({ title: "Ghost Category", categoryIds: [ghost] })).status).toBe(404);
    expect((await rest<Body>(book, "GET", "/api/v1/books?q=ghost")).body.totalSize).toBe(0);
  });

  it("lends and takes back a copy for a registered member", async () => {
    const created = await createBook({ title: "Lendable", totalCopies: 1 });
    const member = await memberToken("book-reader@e2e.test");
    const path = `/api/v1/books/${created.body.id}`;
    const borrowed = await rest<Body>(book, "POST", `${path}/borrow`, { token: member, body: {} });
    expect(borrowed.body).toMatchObject({ availableCopies: 0 });
    expect(borrowed.body.loan).toHaveProperty("returnedAt", null);
    const again = await rest<Body>(book, "POST", `${path}/borrow`, { token: await memberToken("book-reader2@e2e.test"), body: {} });
    expect(again.body.details?.[0]).toMatchObject({ reason: "NO_COPIES_AVAILABLE" });
    expect((await rest<Body>(book, "DELETE", path, { token: admin })).body.details?.[0]).toMatchObject({ reason: "BOOK_HAS_OPEN_LOANS" });
    expect((await rest<Body>(book, "POST", `${path}/return`, { token: member, body: {} })).body).toMatchObject({ availableCopies: 1 });
  });

  describe("over gRPC with @grpc/grpc-js", () => {
    it("answers GetBook with the server key, refuses it without (UNAUTHENTICATED), and counts an author's books", async () => {
      const created = await createBook({ title: "Via gRPC" });
      const client = grpcClient("book", "BookService", stack.grpcAddr.book);
      const key = { "x-server-key": SERVER_KEY };
      expect(await client.call("getBook", { id: created.body.id }, key)).toMatchObject({
        id: created.body.id,
        title: "Via gRPC",
        categoryIds: [],
      });
      expect(await grpcCode(client.call("getBook", { id: created.body.id }))).toBe(grpc.status.UNAUTHENTICATED);
      const counted = await client.call("countAuthorBooks", { authorId }, key);
      expect(counted.count).toBeGreaterThanOrEqual(3);
      expect(await grpcCode(client.call("createBook", { title: "No token", isbn: nextIsbn(), authorId }, key))).toBe(
        grpc.status.UNAUTHENTICATED,
      );
      client.close();
    });
  });

  describe("category ids kept by the book service (watched through WatchItemLinks)", () => {
    /** How many calls of `method` the category service has answered (its own /metrics). */
    const categoryCalls = async (method: string) => {
      const text = await (await fetch(`${categoryUrl}/metrics`)).text();
      const line = text
        .split("\n")
        .find((l) => l.startsWith("lms_requests_total{") && l.includes(`method="${method}"`) && l.includes('code="OK"'));
      return line ? Number(line.split(" ").pop()) : 0;
    };
    const categoryReads = () => categoryCalls("BatchGetItemCategories");
    const categoriesOfBook = async (id: string) => (await rest<Body>(book, "GET", `/api/v1/books/${id}`)).body.categoryIds;

    /** The read count once the book service's background re-reads of changed books are over. */
    const settledCategoryReads = async () => {
      let last = await categoryReads();
      for (let tries = 0; tries < 50; tries++) {
        await new Promise((r) => setTimeout(r, 100));
        const now = await categoryReads();
        if (now === last) return now;
        last = now;
      }
      throw new Error("the category service kept being asked");
    };

    it("answers repeated reads of a book without asking the category service again", async () => {
      const id = String((await createBook({ title: "Cached", categoryIds: [categoryId] })).body.id);
      expect(await categoriesOfBook(id)).toEqual([categoryId]);
      const before = await settledCategoryReads(); // the new book is read again in the background (stale until then)
      for (let i = 0; i < 5; i++) expect(await categoriesOfBook(id)).toEqual([categoryId]);
      expect(await categoryReads()).toBe(before);
    });

    it("shows a change made at the category service in the very next read, every time", async () => {
      const other = String(
        (await rest<Body>(categoryUrl, "POST", "/api/v1/categories", { token: admin, body: { name: "Desert Planets" } })).body.id,
      );
      const id = String((await createBook({ title: "Relinked", categoryIds: [categoryId] })).body.id);
      const sets = [[other], [], [categoryId, other].sort(), [categoryId]];
      let current = [categoryId];
      for (let round = 0; round < 5; round++) {
        for (const categoryIds of sets) {
          expect(await categoriesOfBook(id)).toEqual(current); // read (and so cached) just before the change
          const put = await rest<Body>(categoryUrl, "PUT", `/api/v1/items/${id}/categories`, { token: admin, body: { categoryIds } });
          expect(put.status).toBe(200);
          expect(await categoriesOfBook(id)).toEqual(categoryIds);
          current = categoryIds;
        }
      }
      await rest<Body>(categoryUrl, "PUT", `/api/v1/items/${id}/categories`, { token: admin, body: { categoryIds: [other] } });
      expect(await categoriesOfBook(id)).toEqual([other]);
      expect((await rest<Body>(categoryUrl, "DELETE", `/api/v1/categories/${other}`, { token: admin })).status).toBe(200);
      expect(await categoriesOfBook(id)).toEqual([]);
      const listed = await rest<Body>(book, "GET", "/api/v1/books?q=relinked");
      expect(listed.body).toMatchObject({ books: [{ id, categoryIds: [] }] });
    });

    it("answers category listings and recommendations from the whole cache, and shows a change in the very next answer", async () => {
      const [poems, epics] = await Promise.all(
        ["Whole Poems", "Whole Epics"].map(async (name) =>
          String((await rest<Body>(categoryUrl, "POST", "/api/v1/categories", { token: admin, body: { name } })).body.id),
        ),
      );
      const [a, b, c] = await Promise.all(
        ["Whole A", "Whole B", "Whole C"].map(async (title, i) =>
          String((await createBook({ title, categoryIds: i === 2 ? [epics] : [poems, epics] })).body.id),
        ),
      );
      const listed = async (category: string) =>
        ((await rest<Body>(book, "GET", `/api/v1/books?categoryId=${category}&orderBy=title`)).body.books as Body[]).map((x) => x.id);
      const recommended = async (id: string) =>
        ((await rest<Body>(book, "GET", `/api/v1/books/${id}/recommendations`)).body.books as Body[]).map((x) => x.id);
      const peerCalls = async () => (await categoryCalls("ListCategoryItems")) + (await categoryCalls("ListRelatedItems"));

      // The books' own writes leave them stale until read again in the background: wait until no listing needs a call.
      for (let tries = 0; ; tries++) {
        const before = await peerCalls();
        await listed(poems);
        if ((await peerCalls()) === before) break;
        expect(tries).toBeLessThan(100);
        await new Promise((r) => setTimeout(r, 50));
      }
      const before = await peerCalls();
      expect(await listed(poems)).toEqual([a, b]);
      expect(await listed(epics)).toEqual([a, b, c]);
      expect((await recommended(a)).slice(0, 2)).toEqual([b, c]); // b shares two categories, c one
      expect(await peerCalls()).toBe(before);

      const put = (id: string, categoryIds: string[]) =>
        rest<Body>(categoryUrl, "PUT", `/api/v1/items/${id}/categories`, { token: admin, body: { categoryIds } });
      expect((await put(c, [poems, epics])).status).toBe(200);
      expect(await listed(poems)).toEqual([a, b, c]);
      expect((await put(a, [])).status).toBe(200);
      expect(await listed(poems)).toEqual([b, c]);
      expect(await listed(epics)).toEqual([b, c]);
      expect((await rest<Body>(categoryUrl, "DELETE", `/api/v1/categories/${epics}`, { token: admin })).status).toBe(200);
      expect(await listed(epics)).toEqual([]);
      expect((await recommended(b))[0]).toBe(c); // c shares a category with b; a now only the author
    });
  });

  it("deletes the author's books with their links, then the author", async () => {
    const { books } = (await rest<Body>(book, "GET", `/api/v1/books?authorId=${authorId}&pageSize=100`)).body as { books: Body[] };
    for (const b of books) {
      expect((await rest<Body>(book, "DELETE", `/api/v1/books/${b.id}`, { token: admin })).body).toEqual({});
      expect((await rest<Body>(categoryUrl, "GET", `/api/v1/items/${b.id}/categories`)).body).toEqual({ categories: [] });
    }
    expect((await rest<Body>(authorUrl, "DELETE", `/api/v1/authors/${authorId}`, { token: admin })).body).toEqual({});
  });

  it("answers 503 and writes nothing while the category service is down; reads answer, marked degraded", async () => {
    const writer = String((await rest<Body>(authorUrl, "POST", "/api/v1/authors", { token: admin, body: { name: "Still Here" } })).body.id);
    const kept = await rest<Body>(book, "POST", "/api/v1/books", {
      token: admin,
      body: { title: "Kept", isbn: nextIsbn(), authorId: writer },
    });
    await stack.services.category.stop();
    try {
      const res = await rest<Body>(book, "POST", "/api/v1/books", {
        token: admin,
        body: { title: "Written While Down", isbn: nextIsbn(), authorId: writer, categoryIds: [categoryId] },
      });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe(14);
      // Reads answer with the category ids the book service recorded, marked as such.
      for (const path of [`/api/v1/books/${kept.body.id}`, "/api/v1/books"]) {
        const read = await rest<Body>(book, "GET", path);
        expect(read.status).toBe(200);
        expect(read.headers.get("x-degraded")).toBe("categories");
      }
    } finally {
      await stack.services.category.start();
    }
    const listed = await rest<Body>(book, "GET", `/api/v1/books?authorId=${writer}`);
    expect(listed.body).toMatchObject({ books: [{ id: kept.body.id, categoryIds: [] }], totalSize: 1 });
  });

  it("stops on SIGTERM with exit code 0", async () => {
    expect(await stack.services.book.stop()).toBe(0);
  });
});
