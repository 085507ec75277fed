import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, nextIsbn } from "./support/fixtures.js";
import { grpcClient } from "./support/grpc-clients.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

const NUL = "must not contain NUL characters (U+0000)";
/** Valid but odd Unicode: RTL mark and override, Arabic, emoji with skin tone and ZWJ, combining accents, a zero-width space. */
const ODD = "\u200Fمكتبة \u202Eabc\u202C 👩🏽‍💻📚 e\u0301 Z\u0335 a\u200Bb";

/** The fields a 400 names (its google.rpc.BadRequest). */
function violatedFields(body: Body): string[] {
  const bad = body.details?.find((d) => d["@type"] === "type.googleapis.com/google.rpc.BadRequest") as
    | { fieldViolations: { field: string; description: string }[] }
    | undefined;
  return bad?.fieldViolations.map((v) => `${v.field}: ${v.description}`) ?? [];
}

// DESIGN.md §3: NUL bytes and odd Unicode are never a 500. Real processes, real PostgreSQL (which
// refuses U+0000 in text), REST over HTTP and gRPC through @grpc/grpc-js.
describe("hostile text on every service", { timeout: 60_000 }, () => {
  let stack: Stack;
  let url: Record<string, string>;
  let admin: string;
  let authorId: string;

  beforeAll(async () => {
    stack = await startStack(["auth", "author", "category", "book"]);
    url = Object.fromEntries(Object.entries(stack.services).map(([name, s]) => [name, s.baseUrl]));
    const login = await rest<Body>(url.auth, "POST", "/api/v1/auth/login", { body: ADMIN });
    admin = String(login.body.accessToken);
    const author = await rest<Body>(url.author, "POST", "/api/v1/authors", { token: admin, body: { name: "Nul Test Author" } });
    authorId = String(author.body.id);
  }, 400_000);
  afterAll(async () => stack?.stop());

  /** Sends `body` with a NUL in each of `fields` and expects 400 naming exactly those fields. */
  async function refusedWithNul(service: string, path: string, body: Record<string, unknown>, fields: string[], token?: string) {
    const poisoned = { ...body, ...Object.fromEntries(fields.map((f) => [f, `${String(body[f] ?? "x")}\0tail`])) };
    const res = await rest<Body>(url[service], "POST", path, { token, body: poisoned });
    expect(res.status, `${service} ${path} ${JSON.stringify(res.body)}`).toBe(400);
    expect(res.body.code).toBe(3);
    expect(violatedFields(res.body)).toEqual(fields.map((f) => `${f}: ${NUL}`));
  }

  it("auth: Register (email, password, name) and Login (email, password) answer 400 naming every NUL field; nobody is registered", async () => {
    const person = { email: "nul-reader@e2e.test", password: "correct horse", name: "Nul Reader" };
    await refusedWithNul("auth", "/api/v1/auth/register", person, ["name"]);
    await refusedWithNul("auth", "/api/v1/auth/register", person, ["email", "password", "name"]);
    await refusedWithNul("auth", "/api/v1/auth/login", { email: ADMIN.email, password: ADMIN.password }, ["email"]);
    await refusedWithNul("auth", "/api/v1/auth/login", { email: ADMIN.email, password: ADMIN.password }, ["password"]);
    // Nothing was written: the same email registers now, once.
    expect((await rest(url.auth, "POST", "/api/v1/auth/register", { body: person })).status).toBe(201);
  });

  it("author: CreateAuthor (every text field) and ListAuthors q answer 400; no author is created", async () => {
    const author = { name: "Nul Author", biography: "bio", nationality: "nat" };
    await refusedWithNul("author", "/api/v1/authors", author, ["name"], admin);
    await refusedWithNul("author", "/api/v1/authors", author, ["name", "biography", "nationality"], admin);
    const list = await rest<Body>(url.author, "GET", "/api/v1/authors?q=Nul%00Author");
    expect([list.status, violatedFields(list.body)]).toEqual([400, [`q: ${NUL}`]]);
    expect((await rest<Body>(url.author, "GET", "/api/v1/authors?q=Nul%20Author")).body.totalSize).toBe(0);
  });

  it("category: CreateCategory (name, description) and ListCategories q answer 400; no category is created", async () => {
    await refusedWithNul("category", "/api/v1/categories", { name: "Nul Category", description: "d" }, ["name", "description"], admin);
    const list = await rest<Body>(url.category, "GET", "/api/v1/categories?q=%00");
    expect([list.status, violatedFields(list.body)]).toEqual([400, [`q: ${NUL}`]]);
    expect((await rest<Body>(url.category, "GET", "/api/v1/categories?q=Nul")).body.totalSize).toBe(0);
  });

  it("book: CreateBook (title, isbn, publisher, language, description, categoryIds) and ListBooks q answer 400; no book is created", async () => {
    const book = { title: "Nul Book", isbn: nextIsbn(), authorId, publisher: "p", language: "en", description: "d", totalCopies: 1 };
    await refusedWithNul("book", "/api/v1/books", book, ["title"], admin);
    await refusedWithNul("book", "/api/v1/books", book, ["title", "isbn", "publisher", "language", "description"], admin);
    const ids = await rest<Body>(url.book, "POST", "/api/v1/books", { token: admin, body: { ...book, categoryIds: ["ok", "a\0"] } });
    expect([ids.status, violatedFields(ids.body)]).toEqual([400, [`categoryIds[1]: ${NUL}`]]);
    const list = await rest<Body>(url.book, "GET", "/api/v1/books?q=x%00y");
    expect([list.status, violatedFields(list.body)]).toEqual([400, [`q: ${NUL}`]]);
    expect((await rest<Body>(url.book, "GET", "/api/v1/books?q=Nul%20Book")).body.totalSize).toBe(0);
  });

  it("refuses a lone surrogate (it could only be stored altered) with 400, and a NUL in a path parameter", async () => {
    const lone = await rest<Body>(url.author, "POST", "/api/v1/authors", { token: admin, rawBody: '{"name":"Half \\ud83d pair"}' });
    expect(lone.status).toBe(400);
    expect(violatedFields(lone.body)).toEqual([expect.stringMatching(/^name: .*(UTF|Unicode)/)]);
    const path = await rest<Body>(url.book, "GET", "/api/v1/books/%00");
    expect([path.status, path.body.code]).toEqual([400, 3]);
  });

  it("over gRPC: NUL is INVALID_ARGUMENT naming the field, bytes that are not UTF-8 are INVALID_ARGUMENT, never INTERNAL", async () => {
    const authors = grpcClient("author", "AuthorService", stack.services.author.grpcAddress);
    const md = { "x-server-key": SERVER_KEY, authorization: `Bearer ${admin}` };
    try {
      const err = await authors.call("createAuthor", { name: "g\0rpc", biography: "\0" }, md).then(
        () => expect.unreachable("refused"),
        (e: grpc.ServiceError) => e,
      );
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toBe(`name: ${NUL}; biography: ${NUL}`);
      const list = await authors.call("listAuthors", { q: "g\0" }, md).catch((e: grpc.ServiceError) => e);
      expect((list as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    } finally {
      authors.close();
    }
    // A string field (ListAuthorsRequest.q = 3) holding 0xFF: no conforming client sends it.
    const raw = new grpc.Client(stack.services.author.grpcAddress, grpc.credentials.createInsecure());
    try {
      const metadata = new grpc.Metadata();
      metadata.set("x-server-key", SERVER_KEY);
      const status = await new Promise<grpc.StatusObject | "ok">((resolve) =>
        raw.makeUnaryRequest(
          "/library.author.v1.AuthorService/ListAuthors",
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from([0x1a, 0x02, 0xff, 0x41]),
          metadata,
          (e) => resolve(e ?? "ok"),
        ),
      );
      expect(status).toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    } finally {
      raw.close();
    }
  });

  it("accepts odd but valid Unicode and gives it back unchanged, over REST and gRPC", async () => {
    const created = await rest<Body>(url.author, "POST", "/api/v1/authors", { token: admin, body: { name: ODD, biography: ODD } });
    expect([200, 201]).toContain(created.status);
    const got = await rest<Body>(url.author, "GET", `/api/v1/authors/${created.body.id}`);
    expect(got.body).toMatchObject({ name: ODD, biography: ODD });
    const category = await rest<Body>(url.category, "POST", "/api/v1/categories", { token: admin, body: { name: ODD } });
    expect([200, 201]).toContain(category.status);
    expect((await rest<Body>(url.category, "GET", `/api/v1/categories/${category.body.id}`)).body.name).toBe(ODD);
    const books = grpcClient("book", "BookService", stack.services.book.grpcAddress);
    try {
      const md = { "x-server-key": SERVER_KEY, authorization: `Bearer ${admin}` };
      const book = await books.call("createBook", { title: ODD, isbn: nextIsbn(), authorId, description: ODD, totalCopies: 1 }, md);
      expect(await books.call("getBook", { id: book.id }, md)).toMatchObject({ title: ODD, description: ODD });
    } finally {
      books.close();
    }
    const search = await rest<Body>(url.author, "GET", `/api/v1/authors?q=${encodeURIComponent("👩🏽‍💻📚")}`);
    expect(search.status).toBe(200);
  });
});
