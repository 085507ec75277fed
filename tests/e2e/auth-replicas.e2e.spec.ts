import { rest } from "@lms/platform/testing/rest-client";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Body, reasonOf, registerMember } from "./support/fixtures.js";
import { freePort } from "./support/ports.js";
import { ServiceProcess } from "./support/service-process.js";
import { ADMIN, SERVER_KEY } from "./support/stack.js";

// Two auth replicas on ONE database, as a cluster runs them: everything they share (signing
// keys, refresh-token state, login failures) must live in the database, not in a process.
describe("two auth replicas sharing one database", () => {
  let database: TestDatabase;
  let authorDb: TestDatabase;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let author: ServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase("auth_replicas");
    authorDb = await createTestDatabase("author_replicas");
    const env = {
      DATABASE_URL: database.url ?? "",
      SERVER_KEY,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      HOST: "127.0.0.1",
      LOGIN_MAX_FAILURES: "3",
    };
    a = new ServiceProcess("auth", await freePort(), await freePort(), env);
    b = new ServiceProcess("auth", await freePort(), await freePort(), env);
    await Promise.all([a.start(), b.start()]); // racing first starts: one key and one admin must result
    // The author service trusts the keys published by replica A only.
    author = new ServiceProcess("author", await freePort(), await freePort(), {
      DATABASE_URL: authorDb.url ?? "",
      SERVER_KEY,
      HOST: "127.0.0.1",
      AUTH_JWKS_URL: `${a.baseUrl}/.well-known/jwks.json`,
    });
    await author.start();
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), author?.stop()]);
    await database?.drop();
    await authorDb?.drop();
  });

  it("publishes the same signing keys on both replicas", async () => {
    const [ka, kb] = await Promise.all([a, b].map(async (r) => (await rest<Body>(r.baseUrl, "GET", "/.well-known/jwks.json")).body));
    expect(ka).toEqual(kb);
    expect((ka.keys as Body[]).length).toBe(1);
  });

  it("accepts a token issued by one replica on the other and on another service", async () => {
    const login = await rest<Body>(b.baseUrl, "POST", "/api/v1/auth/login", { body: ADMIN });
    const token = String(login.body.accessToken);
    expect((await rest<Body>(a.baseUrl, "POST", "/api/v1/auth/verify", { body: { token } })).body).toMatchObject({ valid: true });
    const created = await rest<Body>(author.baseUrl, "POST", "/api/v1/authors", { token, body: { name: "Cross Replica" } });
    expect(created.status).toBe(201);
  });

  it("rotates refresh tokens across replicas and detects reuse on the other one", async () => {
    const first = (await registerMember(a.baseUrl, "replica-reader@e2e.test")).refreshToken;
    const next = await rest<Body>(b.baseUrl, "POST", "/api/v1/auth/refresh", { body: { refreshToken: first } });
    expect(next.status).toBe(200);
    const reuse = await rest<Body>(a.baseUrl, "POST", "/api/v1/auth/refresh", { body: { refreshToken: first } });
    expect([reuse.status, reasonOf(reuse.body)]).toEqual([401, "REFRESH_TOKEN_REUSED"]);
    const revoked = await rest<Body>(b.baseUrl, "POST", "/api/v1/auth/refresh", { body: { refreshToken: next.body.refreshToken } });
    expect(revoked.status).toBe(401);
  });

  it("counts failed logins across replicas for the rate limit", async () => {
    await registerMember(a.baseUrl, "replica-victim@e2e.test");
    const attempt = (replica: ServiceProcess) =>
      rest<Body>(replica.baseUrl, "POST", "/api/v1/auth/login", { body: { email: "replica-victim@e2e.test", password: "wrong password" } });
    expect((await attempt(a)).status).toBe(401);
    expect((await attempt(b)).status).toBe(401);
    expect((await attempt(a)).status).toBe(401);
    expect((await attempt(b)).status).toBe(429);
  });

  it("created the first admin exactly once", async () => {
    const client = await import("pg");
    const pool = new client.default.Pool({ connectionString: database.url });
    const { rows } = await pool.query("select count(*)::int as n from users where email = $1", [ADMIN.email]);
    await pool.end();
    expect(rows[0].n).toBe(1);
  });
});
