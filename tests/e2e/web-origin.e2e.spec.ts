import { randomUUID } from "node:crypto";
import type { ServiceProcess } from "@lms/cli/service-process";
import { rest } from "@lms/platform/testing/rest-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, nextIsbn, reasonOf } from "./support/fixtures.js";
import { ADMIN, type Stack, startStack } from "./support/stack.js";
import { startWebOrigin, TINY_APP, writeTinyApp } from "./support/web-origin.js";

// DESIGN.md §9: the one origin in front of the four real services, as a real process. Every
// API call below goes through the origin only; the services are asked directly only to compare.
describe("the web origin in front of the real services", () => {
  let stack: Stack;
  let origin: ServiceProcess;
  let web: string;
  let admin: string;

  beforeAll(async () => {
    stack = await startStack(["auth", "author", "category", "book"]);
    ({ proc: origin, baseUrl: web } = await startWebOrigin(stack, writeTinyApp()));
    admin = String((await rest<Body>(web, "POST", "/api/v1/auth/login", { body: ADMIN })).body.accessToken);
  });
  afterAll(async () => {
    await origin?.stop();
    await stack?.stop();
  });

  it("registers and logs in through auth: 201 with Location survives, the token works on the other services", async () => {
    const body = { email: "web-origin@e2e.test", password: "correct horse", name: "Web Reader" };
    const registered = await rest<Body>(web, "POST", "/api/v1/auth/register", { body });
    expect(registered.status).toBe(201);
    expect(registered.headers.get("location")).toBe(`/api/v1/users/${(registered.body.user as Body).id}`);
    const login = await rest<Body>(web, "POST", "/api/v1/auth/login", { body: { email: body.email, password: body.password } });
    expect([login.status, login.headers.get("cache-control")]).toEqual([200, "no-store"]);
    const loans = await rest<Body>(web, "GET", "/api/v1/loans", { token: String(login.body.accessToken) });
    expect(loans.status).toBe(200);
  });

  it.each([
    ["author", "/api/v1/authors?pageSize=5"],
    ["category", "/api/v1/categories"],
    ["book", "/api/v1/books?pageSize=5"],
  ])("reaches %s: %s answers as the service itself answers", async (service, path) => {
    const [viaOrigin, direct] = [await rest<Body>(web, "GET", path), await rest<Body>(stack.services[service].baseUrl, "GET", path)];
    expect(viaOrigin.status).toBe(200);
    expect(viaOrigin.body).toEqual(direct.body);
  });

  it("carries If-Match: a stale ETag is refused with 412 and changes nothing, the current one writes", async () => {
    const created = await rest<Body>(web, "POST", "/api/v1/authors", { token: admin, body: { name: "Octavia E. Butler" } });
    expect([created.status, created.headers.get("location")]).toEqual([201, `/api/v1/authors/${created.body.id}`]);
    const path = `/api/v1/authors/${created.body.id}`;
    const stale = String((await rest(web, "GET", path)).headers.get("etag"));
    expect(stale).toMatch(/^(W\/)?"/);
    const renamed = await rest<Body>(web, "PATCH", `${path}?updateMask=name`, {
      token: admin,
      body: { name: "O. E. Butler" },
      headers: { "if-match": stale },
    });
    expect(renamed.status).toBe(200);
    const refused = await rest<Body>(web, "PATCH", `${path}?updateMask=name`, {
      token: admin,
      body: { name: "Lost" },
      headers: { "if-match": stale },
    });
    expect([refused.status, refused.body.code, reasonOf(refused.body)]).toEqual([412, 10, "ETAG_MISMATCH"]);
    expect((await rest<Body>(web, "GET", path)).body.name).toBe("O. E. Butler");
  });

  it("carries Idempotency-Key: a retried borrow answers the first answer again and lends once", async () => {
    const author = await rest<Body>(web, "POST", "/api/v1/authors", { token: admin, body: { name: "Ursula K. Le Guin" } });
    const book = await rest<Body>(web, "POST", "/api/v1/books", {
      token: admin,
      body: { title: "The Dispossessed", isbn: nextIsbn(), authorId: author.body.id, totalCopies: 2 },
    });
    expect(book.status).toBe(201);
    const reader = String(
      (await rest<Body>(web, "POST", "/api/v1/auth/login", { body: { email: "web-origin@e2e.test", password: "correct horse" } })).body
        .accessToken,
    );
    const key = randomUUID();
    const borrow = () =>
      rest<Body>(web, "POST", `/api/v1/books/${book.body.id}/borrow`, { token: reader, body: {}, headers: { "idempotency-key": key } });
    const [first, again] = [await borrow(), await borrow()];
    expect([first.status, again.status, again.headers.get("idempotency-replayed")]).toEqual([200, 200, "true"]);
    expect(again.body).toEqual(first.body);
    expect((await rest<Body>(web, "GET", `/api/v1/books/${book.body.id}`)).body.availableCopies).toBe(1);
  });

  it("keeps every error's status and body, the request id too", async () => {
    const path = `/api/v1/books/${randomUUID()}`;
    const [viaOrigin, direct] = [await rest<Body>(web, "GET", path), await rest<Body>(stack.services.book.baseUrl, "GET", path)];
    expect([viaOrigin.status, viaOrigin.body]).toEqual([404, direct.body]);
    const unauthenticated = await rest<Body>(web, "POST", "/api/v1/authors", {
      body: { name: "x" },
      headers: { "x-request-id": "web-e2e-1" },
    });
    expect([unauthenticated.status, unauthenticated.body.code, unauthenticated.headers.get("x-request-id")]).toEqual([
      401,
      16,
      "web-e2e-1",
    ]);
    expect(unauthenticated.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("answers an unknown /api/v1 path itself with 404 in the error shape", async () => {
    const res = await rest<Body>(web, "GET", "/api/v1/shelves");
    expect([res.status, res.body]).toEqual([404, { code: 12, message: "no route for GET /api/v1/shelves", details: [] }]);
  });

  it("serves the app: index.html revalidated, hashed assets immutable, any page path answered with index.html", async () => {
    const html = { accept: "text/html" };
    const index = await fetch(`${web}/`, { headers: html });
    expect([index.status, index.headers.get("cache-control"), await index.text()]).toEqual([200, "no-cache", TINY_APP.index]);
    const asset = await fetch(`${web}${TINY_APP.assetPath}`);
    expect([asset.status, asset.headers.get("cache-control"), await asset.text()]).toEqual([
      200,
      "public, max-age=31536000, immutable",
      TINY_APP.asset,
    ]);
    const deep = await fetch(`${web}/books/${randomUUID()}`, { headers: html });
    expect([deep.status, await deep.text()]).toEqual([200, TINY_APP.index]);
  });

  // Last: it stops a service.
  it("answers 503 in the error shape, naming the service, once that service is stopped; the others still answer", async () => {
    await stack.services.category.stop();
    const res = await rest<Body>(web, "GET", "/api/v1/categories");
    expect([res.status, res.body]).toEqual([503, { code: 14, message: expect.stringContaining("category service"), details: [] }]);
    expect((await rest<Body>(web, "GET", "/api/v1/authors")).status).toBe(200);
  });

  it("stops on SIGTERM with exit code 0", async () => {
    expect((await origin.stop()).code).toBe(0);
  });
});
