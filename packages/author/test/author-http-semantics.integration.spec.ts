import { errorReasonOf, violatedFields } from "@lms/platform/testing/error-details";
import { rest } from "@lms/platform/testing/rest-client";
import { holdRowLock } from "@lms/platform/testing/row-lock";
import { createTestDatabase, type TestDatabase, testServiceEnv } from "@lms/platform/testing/test-database";
import { createTestIssuer } from "@lms/platform/testing/test-tokens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAuthorApp } from "../src/app.js";
import { loadAuthorConfig } from "../src/config.js";

type Body = Record<string, unknown> & { code?: number; details?: Record<string, unknown>[] };

// DESIGN.md §2/§3 HTTP semantics on the author service, REST through the real app on real PostgreSQL.
describe("author HTTP semantics", () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildAuthorApp>>;
  let base: string;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase("author_http");
    const issuer = await createTestIssuer();
    token = await issuer.token("ROLE_LIBRARIAN");
    const { config } = loadAuthorConfig(testServiceEnv(database.url));
    app = await buildAuthorApp(config, { verifier: issuer.verifier, books: { countBooksByAuthor: async () => 0 } });
    base = `http://127.0.0.1:${(await app.start()).httpPort}`;
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    rest<Body>(base, method, path, { body, token, headers });
  const full = { name: "Octavia Butler", biography: "Kindred", birthDate: "1947-06-22", nationality: "US" };
  const createOne = async (name = full.name) => (await call("POST", "/api/v1/authors", { ...full, name })).body;

  it("answers a create with 201 and a Location that reads the new author", async () => {
    const res = await call("POST", "/api/v1/authors", full);
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/api/v1/authors/${res.body.id}`);
    const got = await rest<Body>(base, "GET", String(res.headers.get("location")));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it("tags a read with an ETag that changes with every write, and answers a matching If-None-Match with 304", async () => {
    const { id } = await createOne("Etag Reader");
    const first = await rest<Body>(base, "GET", `/api/v1/authors/${id}`);
    const etag = String(first.headers.get("etag"));
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await rest(base, "GET", `/api/v1/authors/${id}`, { headers: { "if-none-match": etag } })).status).toBe(304);
    // Every write gets a new tag, and the tag a write answers is the one a read then gives.
    const [a, b] = [
      await call("PATCH", `/api/v1/authors/${id}`, { nationality: "A" }),
      await call("PATCH", `/api/v1/authors/${id}`, { nationality: "B" }),
    ];
    expect(new Set([etag, a.headers.get("etag"), b.headers.get("etag")]).size).toBe(3);
    const now = await rest<Body>(base, "GET", `/api/v1/authors/${id}`, { headers: { "if-none-match": etag } });
    expect(now.status).toBe(200);
    expect(now.headers.get("etag")).toBe(b.headers.get("etag"));
  });

  it("keeps PostgreSQL's microseconds in the ETag: versions one microsecond apart are told apart", async () => {
    const { id } = await createOne("Microseconds");
    const setUpdatedAt = (at: string) => app.db.pool.query("update authors set updated_at = $2 where id = $1", [id, at]);
    await setUpdatedAt("2026-01-01 00:00:00.123001+00");
    const first = String((await rest(base, "GET", `/api/v1/authors/${id}`)).headers.get("etag"));
    await setUpdatedAt("2026-01-01 00:00:00.123002+00"); // the same millisecond as a JS Date sees it
    const second = String((await rest(base, "GET", `/api/v1/authors/${id}`)).headers.get("etag"));
    expect(second).not.toBe(first);
    expect((await call("PATCH", `/api/v1/authors/${id}`, { name: "Too Late" }, { "if-match": first })).status).toBe(412);
    expect((await call("PATCH", `/api/v1/authors/${id}`, { name: "In Time" }, { "if-match": second })).status).toBe(200);
  });

  it("refuses a PUT, PATCH or DELETE whose If-Match no longer matches with 412 ETAG_MISMATCH, changing nothing", async () => {
    const { id } = await createOne("Conditional");
    const stale = String((await rest(base, "GET", `/api/v1/authors/${id}`)).headers.get("etag"));
    const changed = await call("PUT", `/api/v1/authors/${id}`, { ...full, name: "Conditional 2" }, { "if-match": stale });
    expect(changed.status).toBe(200);
    const before = await rest<Body>(base, "GET", `/api/v1/authors/${id}`);
    for (const [method, body] of [
      ["PUT", { ...full, name: "Lost Update" }],
      ["PATCH", { name: "Lost Patch" }],
      ["DELETE", undefined],
    ] as const) {
      const res = await call(method, `/api/v1/authors/${id}`, body, { "if-match": stale });
      expect(res.status, method).toBe(412);
      expect(res.body.code).toBe(10);
      expect(errorReasonOf(res.body)).toBe("ETAG_MISMATCH");
    }
    const after = await rest<Body>(base, "GET", `/api/v1/authors/${id}`);
    expect(after.body).toEqual(before.body);
    expect(after.headers.get("etag")).toBe(before.headers.get("etag"));
    const current = String(after.headers.get("etag"));
    expect((await call("DELETE", `/api/v1/authors/${id}`, undefined, { "if-match": current })).status).toBe(200);
  });

  it("lets exactly one of two concurrent PATCHes with the same If-Match through", async () => {
    const { id } = await createOne("Racer");
    const etag = String((await rest(base, "GET", `/api/v1/authors/${id}`)).headers.get("etag"));
    // Both requests are made to wait on the row at once, then let go together.
    const lock = await holdRowLock(app.db.pool, "authors", String(id));
    const racing = ["One", "Two"].map((n) =>
      call("PATCH", `/api/v1/authors/${id}?updateMask=nationality`, { nationality: n }, { "if-match": etag }),
    );
    await lock.waitForWaiters(2);
    await lock.release();
    const results = await Promise.all(racing);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200);
    expect((await rest<Body>(base, "GET", `/api/v1/authors/${id}`)).body.nationality).toBe(winner?.body.nationality);
  });

  it("PATCH changes only the fields of updateMask, or of the body when the mask is absent; * replaces all", async () => {
    const { id } = await createOne("Patched");
    const masked = await call("PATCH", `/api/v1/authors/${id}?updateMask=biography`, { biography: "Parable", name: "", nationality: "x" });
    expect(masked.status).toBe(200);
    expect(masked.body).toMatchObject({ name: "Patched", biography: "Parable", birthDate: full.birthDate, nationality: "US" });
    const implied = await call("PATCH", `/api/v1/authors/${id}`, { nationality: "", birth_date: "1950-01-01" });
    expect(implied.body).toMatchObject({ name: "Patched", biography: "Parable", birthDate: "1950-01-01", nationality: "" });
    const all = await call("PATCH", `/api/v1/authors/${id}?updateMask=*`, { name: "Replaced" });
    expect(all.body).toMatchObject({ name: "Replaced", biography: "", birthDate: "", nationality: "" });
    // Output-only fields (a GET-modify-PATCH client sends them back) are ignored.
    const echoed = await call("PATCH", `/api/v1/authors/${id}`, { ...all.body, name: "Echoed" });
    expect(echoed.status).toBe(200);
    expect(echoed.body).toMatchObject({ id, name: "Echoed", createdAt: all.body.createdAt });
  });

  it("refuses an unknown mask path naming updateMask, and validates only the named fields", async () => {
    const { id } = await createOne("Mask Rules");
    const unknown = await call("PATCH", `/api/v1/authors/${id}?updateMask=name,shoeSize`, { name: "X" });
    expect(unknown.status).toBe(400);
    expect(violatedFields(unknown.body)).toEqual(["updateMask"]);
    const bad = await call("PATCH", `/api/v1/authors/${id}?updateMask=name,birthDate`, { name: " ", birthDate: "2999-01-01" });
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(["name", "birthDate"]);
    expect((await rest<Body>(base, "GET", `/api/v1/authors/${id}`)).body.name).toBe("Mask Rules");
    expect((await call("PATCH", `/api/v1/authors/${crypto.randomUUID()}`, { name: "Nobody" })).status).toBe(404);
  });

  it("names every invalid field of a create or update at once", async () => {
    const bad = { name: "", biography: "b".repeat(10_001), birthDate: "1999-02-30", nationality: "n".repeat(101) };
    const created = await call("POST", "/api/v1/authors", bad);
    expect(created.status).toBe(400);
    expect(violatedFields(created.body)).toEqual(["name", "biography", "birthDate", "nationality"]);
    const updated = await call("PUT", "/api/v1/authors/not-a-uuid", bad);
    expect(violatedFields(updated.body)).toEqual(["id", "name", "biography", "birthDate", "nationality"]);
  });
});
