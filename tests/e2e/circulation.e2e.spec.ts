import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, nextIsbn, reasonOf, registerMember } from "./support/fixtures.js";
import { errorInfoOf, grpcClient, grpcCode } from "./support/grpc-clients.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

// Circulation and the rest of the book methods through real processes, over REST and @grpc/grpc-js.
describe("circulation end to end", () => {
  let stack: Stack;
  let auth: string;
  let books: string;
  let admin: string;
  let authorId: string;
  let fantasy: string;

  beforeAll(async () => {
    stack = await startStack(["auth", "author", "category", "book"]);
    auth = stack.services.auth.baseUrl;
    books = stack.services.book.baseUrl;
    admin = String((await rest<Body>(auth, "POST", "/api/v1/auth/login", { body: ADMIN })).body.accessToken);
    const author = await rest<Body>(stack.services.author.baseUrl, "POST", "/api/v1/authors", { token: admin, body: { name: "Le Guin" } });
    authorId = String(author.body.id);
    const category = await rest<Body>(stack.services.category.baseUrl, "POST", "/api/v1/categories", {
      token: admin,
      body: { name: "Fantasy" },
    });
    fantasy = String(category.body.id);
  });
  afterAll(async () => stack?.stop());

  const createBook = async (title: string, totalCopies: number, categoryIds: string[] = []) => {
    const res = await rest<Body>(books, "POST", "/api/v1/books", {
      token: admin,
      body: { title, isbn: nextIsbn(), authorId, categoryIds, totalCopies, publishedYear: 1968 },
    });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  const post = (path: string, token: string, body: unknown = {}) => rest<Body>(books, "POST", path, { token, body });

  it("walks borrow → loans → return → recommendations over REST", async () => {
    const earthsea = await createBook("A Wizard of Earthsea", 2, [fantasy]);
    const tombs = await createBook("The Tombs of Atuan", 1, [fantasy]);
    const reader = await registerMember(auth, "walk-reader@e2e.test");
    const borrowed = await post(`/api/v1/books/${earthsea}/borrow`, reader.token);
    expect(borrowed.status).toBe(200);
    expect(borrowed.body).toMatchObject({ availableCopies: 1, loan: { bookId: earthsea, userId: reader.userId } });
    const loan = borrowed.body.loan as Body;
    expect(Date.parse(String(loan.dueAt)) - Date.parse(String(loan.borrowedAt))).toBe(14 * 86_400_000);

    const mine = await rest<Body>(books, "GET", "/api/v1/loans?status=open", { token: reader.token });
    expect(mine.body).toMatchObject({ totalSize: 1, loans: [{ id: loan.id }] });
    const other = await registerMember(auth, "walk-other@e2e.test");
    expect((await rest<Body>(books, "GET", `/api/v1/loans?userId=${reader.userId}`, { token: other.token })).status).toBe(403);
    expect((await rest<Body>(books, "GET", `/api/v1/loans?userId=${reader.userId}`, { token: admin })).body.totalSize).toBe(1);
    expect((await rest<Body>(books, "GET", "/api/v1/loans")).status).toBe(401);

    const returned = await post(`/api/v1/books/${earthsea}/return`, reader.token);
    expect(returned.body).toMatchObject({ availableCopies: 2, loan: { id: loan.id } });
    expect((returned.body.loan as Body).returnedAt).toEqual(expect.any(String));
    const twice = await post(`/api/v1/books/${earthsea}/return`, reader.token);
    expect([twice.status, twice.body.code, reasonOf(twice.body)]).toEqual([400, 9, "NOT_BORROWED"]);

    const recommended = await rest<Body>(books, "GET", `/api/v1/books/${earthsea}/recommendations?limit=5`);
    const ids = (recommended.body.books as Body[]).map((b) => b.id);
    expect(ids).toContain(tombs);
    expect(ids).not.toContain(earthsea);
    expect((await rest<Body>(books, "GET", `/api/v1/books/${earthsea}/recommendations?limit=51`)).status).toBe(400);
  });

  it("lets a librarian lend for a member, but not a member for someone else", async () => {
    const book = await createBook("Lent by the desk", 3);
    const reader = await registerMember(auth, "desk-reader@e2e.test");
    const other = await registerMember(auth, "desk-other@e2e.test");
    expect((await post(`/api/v1/books/${book}/borrow`, other.token, { userId: reader.userId })).status).toBe(403);
    const lent = await post(`/api/v1/books/${book}/borrow`, admin, { userId: reader.userId });
    expect(lent.body).toMatchObject({ loan: { userId: reader.userId } });
    expect((await post(`/api/v1/books/${book}/return`, admin, { userId: reader.userId })).status).toBe(200);
  });

  it("gives N racing REST borrows of K copies exactly min(N, K) successes", async () => {
    const book = await createBook("Hot Title", 3);
    const readers = await Promise.all(Array.from({ length: 10 }, (_, i) => registerMember(auth, `racer${i}@e2e.test`)));
    const results = await Promise.all(readers.map((r) => post(`/api/v1/books/${book}/borrow`, r.token)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    for (const refused of results.filter((r) => r.status !== 200)) expect(reasonOf(refused.body)).toBe("NO_COPIES_AVAILABLE");
    expect((await rest<Body>(books, "GET", `/api/v1/books/${book}`)).body).toMatchObject({ totalCopies: 3, availableCopies: 0 });
  });

  it("refuses UpdateBook below the copies on loan and keeps the count right above it", async () => {
    const book = await createBook("Shrinking Shelf", 3);
    const reader = await registerMember(auth, "shrink-reader@e2e.test");
    await post(`/api/v1/books/${book}/borrow`, reader.token);
    const put = (totalCopies: number) =>
      rest<Body>(books, "PUT", `/api/v1/books/${book}`, {
        token: admin,
        body: { title: "Shrinking Shelf", isbn: String((shelf.body as Body).isbn), authorId, totalCopies },
      });
    const shelf = await rest<Body>(books, "GET", `/api/v1/books/${book}`);
    const refused = await put(0);
    expect([refused.status, reasonOf(refused.body)]).toEqual([400, "COPIES_BELOW_ON_LOAN"]);
    expect((await put(1)).body).toMatchObject({ totalCopies: 1, availableCopies: 0 });
  });

  it("lists with filters and orders over REST", async () => {
    await createBook("Zzz Ordering B", 0);
    await createBook("Zzz Ordering A", 1);
    const byTitle = await rest<Body>(books, "GET", "/api/v1/books?q=zzz%20ordering&orderBy=title%20desc");
    expect((byTitle.body.books as Body[]).map((b) => b.title)).toEqual(["Zzz Ordering B", "Zzz Ordering A"]);
    const shelfEmpty = await rest<Body>(books, "GET", "/api/v1/books?q=zzz%20ordering&available=false");
    expect(shelfEmpty.body).toMatchObject({ totalSize: 1, books: [{ title: "Zzz Ordering B", availableCopies: 0 }] });
    expect((await rest<Body>(books, "GET", "/api/v1/books?orderBy=price")).status).toBe(400);
  });

  describe("over gRPC with @grpc/grpc-js", () => {
    it("runs every book method with the same rules as REST", async () => {
      const client = grpcClient("book", "BookService", stack.grpcAddr.book);
      const reader = await registerMember(auth, "grpc-reader@e2e.test");
      const as = (token?: string) => ({ "x-server-key": SERVER_KEY, ...(token ? { authorization: `Bearer ${token}` } : {}) });
      const created = await client.call("createBook", { title: "gRPC Book", isbn: nextIsbn(), authorId, totalCopies: 1 }, as(admin));
      const id = String(created.id);
      expect(await client.call("listBooks", { q: "grpc book" }, as())).toMatchObject({ totalSize: 1 });
      expect(
        await client.call("updateBook", { id, title: "gRPC Book 2", isbn: created.isbn, authorId, totalCopies: 2 }, as(admin)),
      ).toMatchObject({
        title: "gRPC Book 2",
        availableCopies: 2,
      });
      expect(await grpcCode(client.call("borrowBook", { id }, as()))).toBe(grpc.status.UNAUTHENTICATED);
      expect(await client.call("borrowBook", { id }, as(reader.token))).toMatchObject({ availableCopies: 1 });
      const twice = await client.call("borrowBook", { id }, as(reader.token)).then(
        () => undefined,
        (err: grpc.ServiceError) => err,
      );
      // The refusal's reason travels in grpc-status-details-bin, as on REST in the body.
      expect(twice?.code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(twice?.details).toBe("this user already has this book on loan");
      expect(errorInfoOf(twice)).toMatchObject({ reason: "ALREADY_BORROWED", domain: "library.book.v1", metadata: { bookId: id } });
      expect(await client.call("listLoans", {}, as(reader.token))).toMatchObject({ totalSize: 1 });
      expect(await client.call("returnBook", { id }, as(reader.token))).toMatchObject({ availableCopies: 2 });
      expect(await client.call("getBookRecommendations", { id, limit: 3 }, as())).toHaveProperty("books");
      expect(await grpcCode(client.call("deleteBook", { id }, as(reader.token)))).toBe(grpc.status.PERMISSION_DENIED);
      expect(await client.call("deleteBook", { id }, as(admin))).toEqual({});
      expect(await grpcCode(client.call("getBook", { id }, as()))).toBe(grpc.status.NOT_FOUND);
      client.close();
    });
  });

  it("answers 503 and writes nothing while the author service is down", async () => {
    await stack.services.author.stop();
    try {
      const res = await rest<Body>(books, "POST", "/api/v1/books", {
        token: admin,
        body: { title: "Authorless", isbn: nextIsbn(), authorId, totalCopies: 1 },
      });
      expect([res.status, res.body.code]).toEqual([503, 14]);
      expect((await rest<Body>(books, "GET", "/api/v1/books?q=authorless")).body.totalSize).toBe(0);
    } finally {
      await stack.services.author.start();
    }
  });
});
