import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, nextIsbn } from "./support/fixtures.js";
import { OpenApiChecker } from "./support/openapi-checker.js";
import { UNKNOWN_ID, walkCirculation } from "./support/openapi-circulation-walk.js";
import { ADMIN, type Stack, startStack } from "./support/stack.js";

// Real processes on real PostgreSQL. Every REST method is called at least once with success
// and once with a client error, and each answer must validate (ajv, draft 2020-12) against the
// schema its own service's OpenAPI 3.1 document gives for that status. Write bodies start from
// the documents' examples (ids swapped for ones that exist), so the examples are proven too.
describe("OpenAPI 3.1 documents against real answers", { timeout: 120_000 }, () => {
  let stack: Stack;
  let api: OpenApiChecker;
  let admin: string;

  beforeAll(async () => {
    stack = await startStack(["auth", "author", "category", "book"]);
    const urls = Object.fromEntries(Object.entries(stack.services).map(([svc, p]) => [svc, p.baseUrl]));
    api = await OpenApiChecker.load(urls);
    const login = await rest<Body>(urls.auth, "POST", "/api/v1/auth/login", { body: ADMIN });
    admin = String(login.body.accessToken);
  });
  afterAll(async () => stack?.stop());

  it("auth: every method's success and error answers match the document; its examples work", async () => {
    const register = await api.call("AuthService_Register", { body: api.example("AuthService_Register") });
    expect(register.status).toBeLessThan(300);
    const userId = String((register.body.user as Body).id);
    expect((await api.call("AuthService_Register", { body: api.example("AuthService_Register") })).status).toBe(409);
    expect((await api.call("AuthService_Register", { body: { email: "not-an-email" } })).status).toBe(400);

    const login = await api.call("AuthService_Login", { body: api.example("AuthService_Login") });
    expect(login.status).toBe(200);
    const wrong = { ...api.example("AuthService_Login"), password: "not-the-password" };
    expect((await api.call("AuthService_Login", { body: wrong })).status).toBe(401);

    const refreshed = await api.call("AuthService_RefreshToken", {
      body: { ...api.example("AuthService_RefreshToken"), refreshToken: login.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect((await api.call("AuthService_RefreshToken", { body: api.example("AuthService_RefreshToken") })).status).toBe(401);

    // A bad token answers 200 with valid=false and expiresAt null (the nullable type is needed).
    const invalid = await api.call("AuthService_VerifyToken", { body: api.example("AuthService_VerifyToken") });
    expect(invalid.body).toMatchObject({ valid: false, expiresAt: null });
    const valid = await api.call("AuthService_VerifyToken", { body: { token: refreshed.body.accessToken } });
    expect(valid.body.valid).toBe(true);
    expect((await api.call("AuthService_VerifyToken", { body: { token: 5 } })).status).toBe(400);

    const logout = { ...api.example("AuthService_Logout"), refreshToken: refreshed.body.refreshToken };
    expect((await api.call("AuthService_Logout", { body: logout })).status).toBe(200);
    expect((await api.call("AuthService_Logout", { body: {} })).status).toBe(400);

    const role = api.example("AuthService_SetUserRole");
    expect((await api.call("AuthService_SetUserRole", { params: { userId }, body: role, token: admin })).status).toBe(200);
    const member = String(login.body.accessToken);
    expect((await api.call("AuthService_SetUserRole", { params: { userId }, body: role, token: member })).status).toBe(403);
    expect((await api.call("AuthService_SetUserRole", { params: { userId: UNKNOWN_ID }, body: role, token: admin })).status).toBe(404);
    expect((await api.call("AuthService_SetUserRole", { params: { userId }, body: role })).status).toBe(401);

    // Failed logins of one account are limited (5 by default): 429 with its documented body.
    let limited = 0;
    for (let i = 0; i < 10 && limited !== 429; i++) limited = (await api.call("AuthService_Login", { body: wrong })).status;
    expect(limited).toBe(429);
  });

  it("auth: the patron methods' answers match the document (GetUser, ListUsers, UpdateUser, its 412)", async () => {
    const body = { email: "patron@openapi.test", password: "patron-password-1", name: "Patron" };
    const userId = String(((await api.call("AuthService_Register", { body })).body.user as Body).id);
    const member = String((await api.call("AuthService_Login", { body: { email: body.email, password: body.password } })).body.accessToken);
    const read = await api.call("AuthService_GetUser", { params: { id: userId }, token: member });
    expect(read.status).toBe(200);
    expect((await api.call("AuthService_GetUser", { params: { id: UNKNOWN_ID }, token: member })).status).toBe(403);
    expect((await api.call("AuthService_GetUser", { params: { id: UNKNOWN_ID }, token: admin })).status).toBe(404);
    expect((await api.call("AuthService_ListUsers", { query: { q: "patron@", pageSize: "5" }, token: admin })).body.totalSize).toBe(1);
    expect((await api.call("AuthService_ListUsers", { token: member })).status).toBe(403);
    const update = { params: { id: userId }, body: api.example("AuthService_UpdateUser"), token: admin };
    expect((await api.call("AuthService_UpdateUser", update)).status).toBe(200);
    const stale = { ...update, headers: { "if-match": String(read.headers.get("etag")) } };
    expect((await api.call("AuthService_UpdateUser", stale)).status).toBe(412);
    expect((await api.call("AuthService_UpdateUser", { ...update, body: { patronGroup: "*" } })).status).toBe(400);
  });

  it("author, category and book: every method's answers match the documents; their examples work", async () => {
    const author = await api.call("AuthorService_CreateAuthor", { body: api.example("AuthorService_CreateAuthor"), token: admin });
    expect(author.status).toBeLessThan(300);
    const authorId = String(author.body.id);
    expect((await api.call("AuthorService_CreateAuthor", { body: api.example("AuthorService_CreateAuthor") })).status).toBe(401);
    expect((await api.call("AuthorService_GetAuthor", { params: { id: authorId } })).status).toBe(200);
    expect((await api.call("AuthorService_GetAuthor", { params: { id: UNKNOWN_ID } })).status).toBe(404);
    const authorUpdate = { params: { id: authorId }, body: api.example("AuthorService_UpdateAuthor"), token: admin };
    expect((await api.call("AuthorService_UpdateAuthor", authorUpdate)).status).toBe(200);
    expect((await api.call("AuthorService_UpdateAuthor", { ...authorUpdate, body: { name: "" } })).status).toBe(400);
    const authorPatch = { params: { id: authorId }, body: api.example("AuthorService_PatchAuthor"), token: admin };
    expect((await api.call("AuthorService_PatchAuthor", authorPatch)).status).toBe(200);
    expect((await api.call("AuthorService_PatchAuthor", { ...authorPatch, query: { updateMask: "noSuchField" } })).status).toBe(400);
    expect((await api.call("AuthorService_ListAuthors", { query: { pageSize: "5" } })).status).toBe(200);
    expect((await api.call("AuthorService_ListAuthors", { query: { pageSize: "101" } })).status).toBe(400);

    const category = await api.call("CategoryService_CreateCategory", {
      body: api.example("CategoryService_CreateCategory"),
      token: admin,
    });
    expect(category.status).toBeLessThan(300);
    const categoryId = String(category.body.id);
    const dup = await api.call("CategoryService_CreateCategory", { body: api.example("CategoryService_CreateCategory"), token: admin });
    expect(dup.status).toBe(409);
    expect((await api.call("CategoryService_GetCategory", { params: { id: categoryId } })).status).toBe(200);
    expect((await api.call("CategoryService_GetCategory", { params: { id: "not-a-uuid" } })).status).toBe(400);
    const categoryUpdate = { params: { id: categoryId }, body: api.example("CategoryService_UpdateCategory"), token: admin };
    expect((await api.call("CategoryService_UpdateCategory", categoryUpdate)).status).toBe(200);
    expect((await api.call("CategoryService_UpdateCategory", { ...categoryUpdate, params: { id: UNKNOWN_ID } })).status).toBe(404);
    const categoryPatch = { params: { id: categoryId }, body: api.example("CategoryService_PatchCategory"), token: admin };
    expect((await api.call("CategoryService_PatchCategory", categoryPatch)).status).toBe(200);
    expect((await api.call("CategoryService_PatchCategory", { ...categoryPatch, params: { id: UNKNOWN_ID } })).status).toBe(404);
    expect((await api.call("CategoryService_ListCategories", { query: { q: "science" } })).status).toBe(200);
    expect((await api.call("CategoryService_ListCategories", { query: { pageSize: "0x" } })).status).toBe(400);

    const bookBody = { ...api.example("BookService_CreateBook"), authorId, categoryIds: [categoryId] };
    const book = await api.call("BookService_CreateBook", { body: bookBody, token: admin });
    expect(book.status).toBeLessThan(300);
    const bookId = String(book.body.id);
    expect((await api.call("BookService_CreateBook", { body: bookBody, token: admin })).status).toBe(409);
    expect((await api.call("BookService_GetBook", { params: { id: bookId } })).status).toBe(200);
    expect((await api.call("BookService_GetBook", { params: { id: UNKNOWN_ID } })).status).toBe(404);
    const bookUpdate = { params: { id: bookId }, body: { ...api.example("BookService_UpdateBook"), authorId, categoryIds: [categoryId] } };
    expect((await api.call("BookService_UpdateBook", { ...bookUpdate, token: admin })).status).toBe(200);
    expect((await api.call("BookService_UpdateBook", bookUpdate)).status).toBe(401);
    const bookPatch = { params: { id: bookId }, body: api.example("BookService_PatchBook") };
    expect((await api.call("BookService_PatchBook", { ...bookPatch, token: admin })).status).toBe(200);
    expect((await api.call("BookService_PatchBook", bookPatch)).status).toBe(401);
    expect((await api.call("BookService_ListBooks", { query: { available: "true", orderBy: "title" } })).status).toBe(200);
    expect((await api.call("BookService_ListBooks", { query: { pageSize: "101" } })).status).toBe(400);

    const items = { params: { itemId: bookId }, token: admin };
    const setBody = { ...api.example("CategoryService_UpdateItemCategories"), categoryIds: [categoryId] };
    expect((await api.call("CategoryService_UpdateItemCategories", { ...items, body: setBody })).status).toBe(200);
    const unknownSet = api.example("CategoryService_UpdateItemCategories");
    expect((await api.call("CategoryService_UpdateItemCategories", { ...items, body: unknownSet })).status).toBe(404);
    const bulk = { ...api.example("CategoryService_BulkAddItemToCategories"), itemId: bookId, categoryIds: [categoryId] };
    expect((await api.call("CategoryService_BulkAddItemToCategories", { body: bulk, token: admin })).status).toBe(200);
    const bulkUnknown = api.example("CategoryService_BulkAddItemToCategories");
    expect((await api.call("CategoryService_BulkAddItemToCategories", { body: bulkUnknown, token: admin })).status).toBe(404);
    expect((await api.call("CategoryService_GetItemCategories", { params: { itemId: bookId } })).status).toBe(200);
    expect((await api.call("CategoryService_GetItemCategories", { params: { itemId: "x" } })).status).toBe(400);

    await walkCirculation(api, admin, bookId);

    expect((await api.call("BookService_GetBookRecommendations", { params: { id: bookId }, query: { limit: "3" } })).status).toBe(200);
    const badLimit = { params: { id: bookId }, query: { limit: "51" } };
    expect((await api.call("BookService_GetBookRecommendations", badLimit)).status).toBe(400);
    await deletes(authorId, categoryId);
  });

  /** Deletes answer `{}`; unknown ids 404; a referenced author 400 with AUTHOR_HAS_BOOKS. */
  async function deletes(authorId: string, categoryId: string): Promise<void> {
    expect((await api.call("AuthorService_DeleteAuthor", { params: { id: authorId }, token: admin })).status).toBe(400);
    const spare = await api.call("BookService_CreateBook", {
      body: { ...api.example("BookService_CreateBook"), isbn: nextIsbn(), authorId, categoryIds: [] },
      token: admin,
    });
    expect((await api.call("BookService_DeleteBook", { params: { id: String(spare.body.id) }, token: admin })).status).toBe(200);
    expect((await api.call("BookService_DeleteBook", { params: { id: UNKNOWN_ID }, token: admin })).status).toBe(404);
    const other = await api.call("AuthorService_CreateAuthor", { body: { name: "Spare Author" }, token: admin });
    expect((await api.call("AuthorService_DeleteAuthor", { params: { id: String(other.body.id) }, token: admin })).status).toBe(200);
    const child = await api.call("CategoryService_CreateCategory", { body: { name: "Spare", parentId: categoryId }, token: admin });
    expect((await api.call("CategoryService_DeleteCategory", { params: { id: String(child.body.id) }, token: admin })).status).toBe(200);
    expect((await api.call("CategoryService_DeleteCategory", { params: { id: UNKNOWN_ID }, token: admin })).status).toBe(404);
  }

  it("saw a success and a client error of every operation in the documents", () => {
    expect(api.operationIds().length).toBeGreaterThanOrEqual(30);
    expect(api.missing("2xx"), "operations never seen succeeding").toEqual([]);
    expect(api.missing("4xx"), "operations never seen refusing").toEqual([]);
  });

  it("answers 503 with the documented Error body when a peer is down", async () => {
    await stack.services.author.stop();
    const body = { ...api.example("BookService_CreateBook"), isbn: nextIsbn(), categoryIds: [] };
    const res = await api.call("BookService_CreateBook", { body, token: admin });
    expect(res.status).toBe(503);
  });
});
