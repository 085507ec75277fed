import { rest } from "@lms/platform/testing/rest-client";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  type AuthApp,
  type Body,
  baseUrlOf,
  buildTestAuthApp,
  newMember,
  post,
  startAuthSuite,
  stopAuthSuite,
} from "./auth-test-app.js";

type Jwks = { keys: Record<string, string>[] };

const setRole = (base: string, userId: string, role: string, token?: string) =>
  rest<Body>(base, "PUT", `/api/v1/auth/users/${userId}/role`, { body: { role }, token });

async function adminCount(app: AuthApp): Promise<number> {
  const { rows } = await app.db.pool.query<{ n: number }>("select count(*)::int as n from users where email = $1", [ADMIN.email]);
  return rows[0].n;
}

describe("auth service keys, admin and roles (PostgreSQL)", () => {
  let database: TestDatabase;
  let app: AuthApp;
  let base: string;
  let adminToken: string;

  beforeAll(async () => {
    ({ database, app, base } = await startAuthSuite());
  });
  afterAll(() => stopAuthSuite({ app, database }));

  it("publishes its public keys at /.well-known/jwks.json, and its tokens verify against them", async () => {
    const res = await fetch(`${base}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    const jwks = (await res.json()) as Jwks;
    expect(jwks.keys).toEqual([{ kty: "OKP", crv: "Ed25519", x: expect.any(String), kid: expect.any(String), alg: "EdDSA", use: "sig" }]);
    const { accessToken } = await newMember(base, "jwks@example.org");
    const { payload, protectedHeader } = await jwtVerify(accessToken, createLocalJWKSet(jwks), {
      issuer: "library-auth",
      audience: "library",
    });
    expect(protectedHeader).toEqual({ alg: "EdDSA", kid: jwks.keys[0].kid, typ: "JWT" });
    expect(payload).toMatchObject({ email: "jwks@example.org", role: "ROLE_MEMBER", jti: expect.any(String), iat: expect.any(Number) });
  });

  it("creates the first admin from the configuration", async () => {
    const login = await post(base, "login", { email: ADMIN.email.toUpperCase(), password: ADMIN.password });
    expect(login.status).toBe(200);
    adminToken = String(login.body.accessToken);
    expect((await post(base, "verify", { token: adminToken })).body).toMatchObject({ valid: true, role: "ROLE_ADMIN" });
  });

  it("lets an admin change a role, which the next refresh carries", async () => {
    const member = await newMember(base, "promoted@example.org");
    const res = await setRole(base, member.id, "ROLE_LIBRARIAN", adminToken);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: member.id, email: "promoted@example.org", role: "ROLE_LIBRARIAN" });
    const refreshed = await post(base, "refresh", { refreshToken: member.refreshToken });
    expect((await post(base, "verify", { token: refreshed.body.accessToken })).body).toMatchObject({ role: "ROLE_LIBRARIAN" });
  });

  it("refuses SetUserRole to a member (403), without a token (401), for an unknown user (404) and ROLE_UNSPECIFIED (400)", async () => {
    const member = await newMember(base, "climber@example.org");
    const denied = await setRole(base, member.id, "ROLE_ADMIN", member.accessToken);
    expect([denied.status, denied.body.code]).toEqual([403, 7]);
    expect((await setRole(base, member.id, "ROLE_ADMIN")).status).toBe(401);
    expect((await post(base, "verify", { token: member.accessToken })).body).toMatchObject({ role: "ROLE_MEMBER" });
    const unknown = await setRole(base, "00000000-0000-4000-8000-000000000000", "ROLE_ADMIN", adminToken);
    expect([unknown.status, unknown.body.code]).toEqual([404, 5]);
    const unspecified = await setRole(base, member.id, "ROLE_UNSPECIFIED", adminToken);
    expect([unspecified.status, unspecified.body.code]).toEqual([400, 3]);
    expect(unspecified.body.details?.[0]).toMatchObject({ fieldViolations: [expect.objectContaining({ field: "role" })] });
  });

  it("keeps its keys and its single admin across a restart on the same database", async () => {
    const before = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as Jwks;
    const { accessToken } = await newMember(base, "restart@example.org");
    await app.stop();
    app = await buildTestAuthApp(database.url);
    base = await baseUrlOf(app);
    const after = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as Jwks;
    expect(after).toEqual(before);
    expect((await post(base, "verify", { token: accessToken })).body).toMatchObject({ valid: true });
    expect(await adminCount(app)).toBe(1);
  });
});

describe("auth service replicas starting together (PostgreSQL)", () => {
  let database: TestDatabase;
  let replicas: AuthApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("auth_it");
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await database?.drop();
  });

  it("create one signing key and one admin, and accept each other's tokens", async () => {
    replicas = await Promise.all([buildTestAuthApp(database.url), buildTestAuthApp(database.url)]);
    const [a, b] = await Promise.all(replicas.map(baseUrlOf));
    const [jwksA, jwksB] = await Promise.all([a, b].map(async (url) => (await fetch(`${url}/.well-known/jwks.json`)).json()));
    expect((jwksA as Jwks).keys).toHaveLength(1);
    expect(jwksB).toEqual(jwksA);
    expect(await adminCount(replicas[0])).toBe(1);
    const { accessToken } = await newMember(a, "replica@example.org");
    expect((await post(b, "verify", { token: accessToken })).body).toMatchObject({ valid: true });
  });
});
