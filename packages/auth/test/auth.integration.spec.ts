import type { TestDatabase } from "@lms/platform/testing/test-database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthApp, type Body, newMember, post, startAuthSuite, stopAuthSuite } from "./auth-test-app.js";

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

// The same behaviour on a real PostgreSQL server and on the embedded one (`make run`'s default).
describe("auth service accounts and tokens", () => {
  let database: TestDatabase;
  let app: AuthApp;
  let base: string;

  beforeAll(async () => {
    ({ database, app, base } = await startAuthSuite());
  });
  afterAll(() => stopAuthSuite({ app, database }));

  describe("Register", () => {
    it("creates a member with a lower-cased email", async () => {
      const res = await post(base, "register", { email: "  Ada@Example.ORG ", password: "difference-engine", name: " Ada " });
      expect(res.status).toBe(201);
      const user = res.body.user as Body;
      expect(user).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: "ada@example.org",
        name: "Ada",
        role: "ROLE_MEMBER",
        createdAt: expect.any(String),
        patronGroup: "default",
        cardNumber: expect.stringMatching(/^[0-9]{10}$/),
      });
      expect(new Date(String(user.createdAt)).getTime()).toBeGreaterThan(0);
    });

    it("refuses the same email in another case with 409", async () => {
      const res = await post(base, "register", { email: "ADA@example.org", password: "another-password", name: "Imposter" });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe(6);
    });

    it("refuses a short password with 400 naming the field, creating nothing", async () => {
      const res = await post(base, "register", { email: "short@example.org", password: "1234567", name: "Short" });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(3);
      expect(res.body.details?.[0]).toMatchObject({
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        fieldViolations: [expect.objectContaining({ field: "password" })],
      });
      expect((await post(base, "register", { email: "short@example.org", password: "1234567x", name: "Short" })).status).toBe(201);
    });
  });

  describe("Login", () => {
    it("answers a token pair", async () => {
      const res = await post(base, "login", { email: "ADA@example.org", password: "difference-engine" });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refreshToken: expect.stringMatching(/^[\w-]{43}$/),
        tokenType: "Bearer",
        expiresIn: 900,
        refreshExpiresIn: 604800,
      });
    });

    it("gives one answer for a wrong password and an unknown email", async () => {
      const wrong = await post(base, "login", { email: "ada@example.org", password: "wrong-password" });
      const unknown = await post(base, "login", { email: "nobody@example.org", password: "wrong-password" });
      expect([wrong.status, unknown.status]).toEqual([401, 401]);
      expect(wrong.body).toEqual({ code: 16, message: "invalid email or password", details: [] });
      expect(unknown.body).toEqual(wrong.body);
    });

    it("refuses the 6th attempt within the window with 429, even with the right password", async () => {
      await newMember(base, "limited@example.org", "limited-pass");
      const attempt = (password: string) => post(base, "login", { email: "limited@example.org", password }).then((r) => r.status);
      for (let i = 0; i < 5; i++) expect(await attempt("nope-nope")).toBe(401);
      const blocked = await post(base, "login", { email: "Limited@example.org", password: "limited-pass" });
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe(8);
      expect((await post(base, "login", { email: "ada@example.org", password: "difference-engine" })).status).toBe(200);
    });

    it("rate limits unknown emails the same way", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await post(base, "login", { email: "ghost@example.org", password: "whatever-1" })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    });

    it("forgets earlier failures after a successful login", async () => {
      await newMember(base, "forgetful@example.org", "forgetful-pass");
      const attempt = (password: string) => post(base, "login", { email: "forgetful@example.org", password }).then((r) => r.status);
      for (let i = 0; i < 4; i++) expect(await attempt("bad-password")).toBe(401);
      expect(await attempt("forgetful-pass")).toBe(200);
      for (let i = 0; i < 5; i++) expect(await attempt("bad-password")).toBe(401);
      expect(await attempt("forgetful-pass")).toBe(429);
    });
  });

  describe("VerifyToken", () => {
    it("accepts a valid access token with its claims", async () => {
      const member = await newMember(base, "verify@example.org");
      const res = await post(base, "verify", { token: member.accessToken });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ valid: true, userId: member.id, email: "verify@example.org", role: "ROLE_MEMBER", reason: "" });
      expect(new Date(String(res.body.expiresAt)).getTime()).toBeGreaterThan(Date.now());
    });

    it("answers valid=false with a reason for tampered, garbage and alg:none tokens", async () => {
      const { accessToken } = await newMember(base, "tamper@example.org");
      const [h, p, s] = accessToken.split(".");
      const tampered = `${h}.${p}.${s.slice(0, 20)}${s[20] === "A" ? "B" : "A"}${s.slice(21)}`;
      const none = `${b64({ alg: "none", typ: "JWT" })}.${p}.`;
      for (const token of [tampered, "garbage", none, ""]) {
        const res = await post(base, "verify", { token });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ valid: false, userId: "", role: "ROLE_UNSPECIFIED", reason: expect.stringMatching(/\w/) });
      }
    });
  });

  describe("RefreshToken and Logout", () => {
    it("rotates the pair, and a reused token revokes the whole login", async () => {
      const member = await newMember(base, "rotate@example.org");
      const first = await post(base, "refresh", { refreshToken: member.refreshToken });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ tokenType: "Bearer", expiresIn: 900, refreshExpiresIn: 604800 });
      expect(first.body.refreshToken).not.toBe(member.refreshToken);
      const reused = await post(base, "refresh", { refreshToken: member.refreshToken });
      expect(reused.status).toBe(401);
      expect(reused.body.details?.[0]).toMatchObject({ reason: "REFRESH_TOKEN_REUSED", domain: "library.auth.v1" });
      expect((await post(base, "refresh", { refreshToken: first.body.refreshToken })).status).toBe(401);
    });

    it("lets exactly one of two concurrent refreshes of one token win", async () => {
      const member = await newMember(base, "race@example.org");
      const results = await Promise.all([1, 2].map(() => post(base, "refresh", { refreshToken: member.refreshToken })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it("refuses unknown refresh tokens with 401 and a missing one with 400", async () => {
      expect((await post(base, "refresh", { refreshToken: "not-a-token" })).status).toBe(401);
      expect((await post(base, "refresh", {})).status).toBe(400);
    });

    it("logs out: the login's refresh tokens stop working; again is harmless", async () => {
      const member = await newMember(base, "logout@example.org");
      const rotated = await post(base, "refresh", { refreshToken: member.refreshToken });
      const res = await post(base, "logout", { refreshToken: member.refreshToken });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      const refused = await post(base, "refresh", { refreshToken: rotated.body.refreshToken });
      expect(refused.status).toBe(401);
      expect(refused.body.details).toEqual([]);
      expect((await post(base, "logout", { refreshToken: rotated.body.refreshToken })).status).toBe(200);
      expect((await post(base, "logout", { refreshToken: "unknown-token" })).status).toBe(401);
    });
  });
});
