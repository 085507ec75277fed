// The README's "walk through with curl", through openapi-fetch clients typed by the types openapi-typescript
// generates from api/openapi/*.json at test time. Not in tsconfig.json (the types do not exist until the
// spec makes them): generated-client.e2e.spec.ts type-checks this file with tsc, then runs it.
import createClient, { type Client } from "openapi-fetch";
import { expect } from "vitest";
import type { paths as AuthPaths } from "../../../test-results/generated-client/auth.js";
import type { paths as AuthorPaths } from "../../../test-results/generated-client/author.js";
import type { paths as BookPaths } from "../../../test-results/generated-client/book.js";
import type { paths as CategoryPaths } from "../../../test-results/generated-client/category.js";

/** The server URL of each service: the only thing set by hand. */
export interface ServerUrls {
  auth: string;
  author: string;
  category: string;
  book: string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Runs the walk-through; every step asserts its status and body. */
export async function walk(urls: ServerUrls, admin: { email: string; password: string }): Promise<void> {
  const auth = createClient<AuthPaths>({ baseUrl: urls.auth });
  const author = createClient<AuthorPaths>({ baseUrl: urls.author });
  const category = createClient<CategoryPaths>({ baseUrl: urls.category });
  const book = createClient<BookPaths>({ baseUrl: urls.book });

  // 1. Register a member and log in; 2. log in as the admin.
  const member = { email: "reader@example.org", password: "correct horse", name: "Reader" };
  const registered = await auth.POST("/api/v1/auth/register", { body: member });
  expect(registered.response.status).toBe(201);
  expect(registered.data?.user).toMatchObject({ email: member.email, name: member.name, role: "ROLE_MEMBER" });
  const memberLogin = await auth.POST("/api/v1/auth/login", { body: { email: member.email, password: member.password } });
  expect(memberLogin.response.status).toBe(200);
  const memberToken = memberLogin.data?.accessToken ?? "";
  const adminLogin = await auth.POST("/api/v1/auth/login", { body: admin });
  expect(adminLogin.data?.tokenType).toBe("Bearer");
  const token = adminLogin.data?.accessToken ?? "";

  // 3. Create an author (201 + Location), then list authors (anyone).
  const created = await author.POST("/api/v1/authors", {
    headers: bearer(token),
    body: { name: "Ursula K. Le Guin", birthDate: "1929-10-21", nationality: "US" },
  });
  expect(created.response.status).toBe(201);
  const authorId = created.data?.id ?? "";
  expect(created.response.headers.get("location")).toBe(`/api/v1/authors/${authorId}`);
  const authors = await author.GET("/api/v1/authors", { params: { query: { q: "guin", pageSize: 10 } } });
  expect(authors.response.status).toBe(200);
  expect(authors.data?.authors.map((a) => a.id)).toEqual([authorId]);

  // 4. A category, and two books in it (the second is the first's recommendation); list by category.
  const fantasy = await category.POST("/api/v1/categories", { headers: bearer(token), body: { name: "Fantasy" } });
  expect(fantasy.response.status).toBe(201);
  const categoryId = fantasy.data?.id ?? "";
  expect(fantasy.response.headers.get("location")).toBe(`/api/v1/categories/${categoryId}`);
  const books: string[] = [];
  for (const [title, isbn] of [
    ["A Wizard of Earthsea", "0-395-27653-5"],
    ["The Tombs of Atuan", "9780689306228"],
  ]) {
    const b = await book.POST("/api/v1/books", {
      headers: bearer(token),
      body: { title, isbn, authorId, categoryIds: [categoryId], totalCopies: 2 },
    });
    expect(b.response.status).toBe(201);
    expect(b.response.headers.get("location")).toBe(`/api/v1/books/${b.data?.id}`);
    books.push(b.data?.id ?? "");
  }
  expect((await book.GET("/api/v1/books/{id}", { params: { path: { id: books[0] } } })).data?.isbn).toBe("9780395276532");
  const listed = await book.GET("/api/v1/books", { params: { query: { categoryId, orderBy: "title" } } });
  expect(listed.response.status).toBe(200);
  expect(listed.data?.books.map((b) => b.title)).toEqual(["A Wizard of Earthsea", "The Tombs of Atuan"]);

  // 5. Borrow and return as the member, their loans, then recommendations.
  const path = { id: books[0] };
  const borrowed = await book.POST("/api/v1/books/{id}/borrow", { headers: bearer(memberToken), params: { path } });
  expect(borrowed.response.status).toBe(200);
  expect(borrowed.data).toMatchObject({ availableCopies: 1, loan: { bookId: books[0], userId: registered.data?.user.id } });
  const open = await book.GET("/api/v1/loans", { headers: bearer(memberToken), params: { query: { status: "open" } } });
  expect(open.data?.loans.map((l) => l.id)).toEqual([borrowed.data?.loan.id]);
  const returned = await book.POST("/api/v1/books/{id}/return", { headers: bearer(memberToken), params: { path } });
  expect(returned.response.status).toBe(200);
  expect(returned.data?.availableCopies).toBe(2);
  expect(returned.data?.loan.returnedAt).toEqual(expect.any(String));
  const recs = await book.GET("/api/v1/books/{id}/recommendations", { params: { path, query: { limit: 5 } } });
  expect(recs.response.status).toBe(200);
  expect(recs.data?.books.map((b) => b.id)).toEqual([books[1]]);

  // 6. Typed errors: a 400 naming the invalid field, a 401 without a token, a 403 for a member.
  const invalid = await author.POST("/api/v1/authors", { headers: bearer(token), body: { name: "" } });
  expect(invalid.response.status).toBe(400);
  expect(invalid.data).toBeUndefined();
  expect(invalid.error?.code).toBe(3);
  const badRequest = invalid.error?.details.find((d) => d["@type"] === "type.googleapis.com/google.rpc.BadRequest");
  expect(badRequest && "fieldViolations" in badRequest ? badRequest.fieldViolations.map((v) => v.field) : []).toEqual(["name"]);
  const anonymous = await author.POST("/api/v1/authors", { body: { name: "Nobody" } });
  expect(anonymous.response.status).toBe(401);
  expect(anonymous.error?.code).toBe(16);
  const refused = await category.POST("/api/v1/categories", { headers: bearer(memberToken), body: { name: "Not Yours" } });
  expect(refused.response.status).toBe(403);
  expect(refused.error?.code).toBe(7);
}

/** Never called: tsc must reject a body without a required field (name), or the unused directive fails the check. */
export function missingRequiredFieldIsACompileError(author: Client<AuthorPaths>) {
  // @ts-expect-error CreateAuthorRequest requires name
  return author.POST("/api/v1/authors", { body: { nationality: "US" } });
}
