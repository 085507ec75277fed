import { unavailable } from "@lms/platform";
import { rest } from "@lms/platform/testing/rest-client";
import { createTestDatabase, type TestDatabase, testServiceEnv } from "@lms/platform/testing/test-database";
import { createTestIssuer, type TestIssuer } from "@lms/platform/testing/test-tokens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAuthorApp } from "../src/app.js";
import { loadAuthorConfig } from "../src/config.js";

type Body = Record<string, unknown> & { code?: number; details?: Record<string, unknown>[] };

// The same behaviour on a real PostgreSQL server and on the embedded one.
describe("author service", () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildAuthorApp>>;
  let base: string;
  let issuer: TestIssuer;
  let librarian: string;
  let member: string;
  const booksByAuthor = new Map<string, number>();
  let bookServiceDown = false;

  beforeAll(async () => {
    database = await createTestDatabase("author_it");
    issuer = await createTestIssuer();
    librarian = await issuer.token("ROLE_LIBRARIAN");
    member = await issuer.token("ROLE_MEMBER");
    const { config } = loadAuthorConfig(testServiceEnv(database.url));
    const books = {
      async countBooksByAuthor(id: string) {
        if (bookServiceDown) throw unavailable("book service unavailable");
        return booksByAuthor.get(id) ?? 0;
      },
    };
    app = await buildAuthorApp(config, { verifier: issuer.verifier, books });
    base = `http://127.0.0.1:${(await app.start()).httpPort}`;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const create = (body: unknown, token = librarian) => rest<Body>(base, "POST", "/api/v1/authors", { body, token });

  it("creates an author for a librarian and returns every field", async () => {
    const res = await create({ name: "  Ursula K. Le Guin ", biography: "Earthsea", birthDate: "1929-10-21", nationality: "US" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "Ursula K. Le Guin", biography: "Earthsea", birthDate: "1929-10-21", nationality: "US" });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(String(res.body.createdAt)).getTime()).toBeGreaterThan(0);
    const got = await rest<Body>(base, "GET", `/api/v1/authors/${res.body.id}`);
    expect(got.body).toEqual(res.body);
  });

  it("emits fields at their default value", async () => {
    const res = await create({ name: "Anonymous" });
    expect(res.body).toMatchObject({ biography: "", birthDate: "", nationality: "" });
  });

  it("refuses writes without a token (401) and from a member (403), writing nothing", async () => {
    expect((await create({ name: "No Token" }, "")).status).toBe(401);
    const denied = await create({ name: "Member Written" }, member);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe(7);
    const list = await rest<Body>(base, "GET", "/api/v1/authors?q=written");
    expect(list.body.totalSize).toBe(0);
  });

  it("rejects an expired or foreign-issuer token with 401", async () => {
    const expired = await issuer.token("ROLE_LIBRARIAN", undefined, { expiresIn: "-1m" });
    expect((await create({ name: "X" }, expired)).status).toBe(401);
    const foreign = await issuer.token("ROLE_LIBRARIAN", undefined, { issuer: "someone-else" });
    expect((await create({ name: "X" }, foreign)).status).toBe(401);
  });

  it.each([
    [{ name: "   " }, "name"],
    [{ name: "x".repeat(201) }, "name"],
    [{ name: "Ok", birthDate: "2999-01-01" }, "birthDate"],
    [{ name: "Ok", birthDate: "1990-02-30" }, "birthDate"],
    [{ name: "Ok", unknownField: 1 }, "unknownField"],
  ])("rejects %j with 400 naming %s", async (body, field) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(res.body.details?.[0]).toMatchObject({ "@type": "type.googleapis.com/google.rpc.BadRequest" });
    expect(JSON.stringify(res.body.details)).toContain(`"field":"${field}"`);
  });

  it("answers malformed JSON with 400, not 500", async () => {
    const res = await rest<Body>(base, "POST", "/api/v1/authors", { rawBody: "{nope", token: librarian });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
  });

  it("gives 400 for a bad id and 404 for an absent one", async () => {
    expect((await rest(base, "GET", "/api/v1/authors/not-a-uuid")).status).toBe(400);
    const absent = await rest<Body>(base, "GET", "/api/v1/authors/3f1e2d3c-0000-4000-8000-000000000000");
    expect(absent.status).toBe(404);
    expect(absent.body.code).toBe(5);
  });

  it("replaces every writable field on update", async () => {
    const { body } = await create({ name: "Before", biography: "old", nationality: "FR", birthDate: "1900-01-01" });
    const res = await rest<Body>(base, "PUT", `/api/v1/authors/${body.id}`, { token: librarian, body: { name: "After" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: body.id,
      name: "After",
      biography: "",
      nationality: "",
      birthDate: "",
      createdAt: body.createdAt,
    });
    const missing = "3f1e2d3c-0000-4000-8000-000000000001";
    expect((await rest(base, "PUT", `/api/v1/authors/${missing}`, { token: librarian, body: { name: "N" } })).status).toBe(404);
  });

  it("pages by name with a stable cursor and counts all matches", async () => {
    for (const name of ["Pager C", "Pager A", "Pager E", "Pager B", "Pager D"]) await create({ name });
    const first = await rest<Body>(base, "GET", "/api/v1/authors?q=pager&pageSize=2");
    expect(first.body.totalSize).toBe(5);
    expect((first.body.authors as Body[]).map((a) => a.name)).toEqual(["Pager A", "Pager B"]);
    await create({ name: "Pager AA" }); // sorts before the cursor: must not shift the next page
    const second = await rest<Body>(base, "GET", `/api/v1/authors?q=PAGER&pageSize=2&pageToken=${first.body.nextPageToken}`);
    expect((second.body.authors as Body[]).map((a) => a.name)).toEqual(["Pager C", "Pager D"]);
    const third = await rest<Body>(base, "GET", `/api/v1/authors?q=pager&pageSize=2&pageToken=${second.body.nextPageToken}`);
    expect((third.body.authors as Body[]).map((a) => a.name)).toEqual(["Pager E"]);
    expect(third.body.nextPageToken).toBe("");
  });

  const forged = Buffer.from(JSON.stringify({ c: ["a", "not-a-uuid"], f: "authors:" })).toString("base64url");
  it.each(["pageSize=0x", "pageSize=101", "pageSize=-1", "pageToken=garbage", `pageToken=${forged}`])(
    "rejects list parameter %s with 400",
    async (query) => {
      const res = await rest<Body>(base, "GET", `/api/v1/authors?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(3);
    },
  );

  it("refuses to delete an author named by books, and deletes one that is not", async () => {
    const { body } = await create({ name: "Prolific" });
    booksByAuthor.set(String(body.id), 2);
    const refused = await rest<Body>(base, "DELETE", `/api/v1/authors/${body.id}`, { token: librarian });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(9);
    expect(refused.body.details?.[0]).toMatchObject({ reason: "AUTHOR_HAS_BOOKS", domain: "library.author.v1" });
    expect((await rest(base, "GET", `/api/v1/authors/${body.id}`)).status).toBe(200);
    booksByAuthor.set(String(body.id), 0);
    expect((await rest(base, "DELETE", `/api/v1/authors/${body.id}`, { token: librarian })).body).toEqual({});
    expect((await rest(base, "GET", `/api/v1/authors/${body.id}`)).status).toBe(404);
  });

  it("answers 503 and deletes nothing while the book service is down", async () => {
    const { body } = await create({ name: "Kept" });
    bookServiceDown = true;
    try {
      const res = await rest<Body>(base, "DELETE", `/api/v1/authors/${body.id}`, { token: librarian });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe(14);
    } finally {
      bookServiceDown = false;
    }
    expect((await rest(base, "GET", `/api/v1/authors/${body.id}`)).status).toBe(200);
  });
});
