import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import { importJWK, type JWK, type JWTPayload, SignJWT } from "jose";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Body } from "./support/fixtures.js";
import { grpcClient, grpcCode } from "./support/grpc-clients.js";
import { freePort } from "./support/ports.js";
import { ServiceProcess } from "./support/service-process.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

/** This machine's first IPv4 address that is not loopback, if it has one. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
}

/** "open" when a TCP connection to host:port is accepted, else the error code (ECONNREFUSED, …). */
function tcpProbe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
  });
}

// DESIGN.md §5 hardening rules, on real processes with real PostgreSQL.
describe("security hardening end to end", { timeout: 60_000 }, () => {
  let stack: Stack;
  let adminToken: string;
  /** Signs `claims` with the auth service's own current signing key, read from its database. */
  let signWithAuthKey: (claims: JWTPayload, edit: (jwt: SignJWT) => SignJWT) => Promise<string>;

  beforeAll(async () => {
    stack = await startStack(["auth", "author", "category", "book"]);
    const login = await rest<Body>(stack.services.auth.baseUrl, "POST", "/api/v1/auth/login", { body: ADMIN });
    adminToken = String(login.body.accessToken);
    const db = new pg.Client({ connectionString: stack.databaseUrls.auth });
    await db.connect();
    const { rows } = await db
      .query<{ kid: string; private_jwk: JWK }>(
        "select kid, private_jwk from signing_keys where retired_at is null order by created_at desc limit 1",
      )
      .finally(() => db.end());
    const key = await importJWK(rows[0].private_jwk, "EdDSA");
    signWithAuthKey = (claims, edit) =>
      edit(new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid: rows[0].kid, typ: "JWT" })).sign(key);
  }, 400_000);
  afterAll(async () => stack?.stop());

  describe("tokens (item 10)", () => {
    /** The admin's real claims, without `exp` and `iat` (the test sets them). */
    const adminClaims = (): JWTPayload => {
      const { exp: _exp, iat: _iat, ...claims } = JSON.parse(Buffer.from(adminToken.split(".")[1], "base64url").toString()) as JWTPayload;
      return claims;
    };
    const now = () => Math.floor(Date.now() / 1000);

    /** What each service answers to `token` on a call that needs a valid one. */
    async function answersTo(token: string) {
      const author = await rest<Body>(stack.services.author.baseUrl, "POST", "/api/v1/authors", { token, body: { name: "Token Probe" } });
      const category = await rest<Body>(stack.services.category.baseUrl, "POST", "/api/v1/categories", {
        token,
        body: { name: `Token Probe ${Math.random()}` },
      });
      const book = await rest<Body>(stack.services.book.baseUrl, "GET", "/api/v1/loans", { token });
      const verify = await rest<Body>(stack.services.auth.baseUrl, "POST", "/api/v1/auth/verify", { body: { token } });
      return { author, category, book, verify };
    }

    it("accepts the auth key's token with exp (the control: the key is the real one)", async () => {
      const token = await signWithAuthKey(adminClaims(), (j) => j.setIssuedAt(now()).setExpirationTime(now() + 600));
      const got = await answersTo(token);
      expect([got.author.status, got.category.status, got.book.status]).toEqual([
        expect.toSatisfy((s: number) => s === 200 || s === 201),
        expect.toSatisfy((s: number) => s === 200 || s === 201),
        200,
      ]);
      expect(got.verify.body).toMatchObject({ valid: true });
    });

    it("refuses a token signed by the real auth key but without exp: 401 with WWW-Authenticate on author, category and book; VerifyToken says why", async () => {
      const token = await signWithAuthKey(adminClaims(), (j) => j.setIssuedAt(now()));
      const got = await answersTo(token);
      for (const res of [got.author, got.category, got.book]) {
        expect(res.status).toBe(401);
        expect(res.body.code).toBe(16);
        expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
      }
      expect(got.verify.body).toMatchObject({ valid: false, reason: "missing exp claim" });
    });

    it("refuses a token issued an hour in the future, and over gRPC too", async () => {
      const token = await signWithAuthKey(adminClaims(), (j) => j.setIssuedAt(now() + 3600).setExpirationTime(now() + 7200));
      const got = await answersTo(token);
      expect([got.author.status, got.category.status, got.book.status]).toEqual([401, 401, 401]);
      expect(got.verify.body).toMatchObject({ valid: false, reason: "token issued in the future" });
      const books = grpcClient("book", "BookService", stack.services.book.grpcAddress);
      try {
        const md = { "x-server-key": SERVER_KEY, authorization: `Bearer ${token}` };
        expect(await grpcCode(books.call("listLoans", {}, md))).toBe(grpc.status.UNAUTHENTICATED);
      } finally {
        books.close();
      }
    });
  });

  describe("headers on every service (item 11)", () => {
    it("nosniff on answers, WWW-Authenticate: Bearer on a 401 without token, a CSP on Swagger UI", async () => {
      for (const [name, service] of Object.entries(stack.services)) {
        const page = await fetch(`${service.baseUrl}/`);
        await page.arrayBuffer();
        expect(page.headers.get("content-security-policy"), name).toContain("default-src 'self'");
        expect(page.headers.get("x-content-type-options"), name).toBe("nosniff");
        const missing = await rest<Body>(service.baseUrl, "GET", "/api/v1/nowhere");
        expect(missing.headers.get("x-content-type-options"), name).toBe("nosniff");
      }
      const noToken = await rest<Body>(stack.services.author.baseUrl, "POST", "/api/v1/authors", { body: { name: "x" } });
      expect([noToken.status, noToken.headers.get("www-authenticate")]).toEqual([401, "Bearer"]);
    });

    it("Cache-Control: no-store on the auth service's token answers (Login, RefreshToken, VerifyToken, Logout, Register)", async () => {
      const auth = stack.services.auth.baseUrl;
      const register = await rest<Body>(auth, "POST", "/api/v1/auth/register", {
        body: { email: "nostore@e2e.test", password: "correct horse", name: "No Store" },
      });
      const login = await rest<Body>(auth, "POST", "/api/v1/auth/login", {
        body: { email: "nostore@e2e.test", password: "correct horse" },
      });
      const refresh = await rest<Body>(auth, "POST", "/api/v1/auth/refresh", { body: { refreshToken: login.body.refreshToken } });
      const verify = await rest<Body>(auth, "POST", "/api/v1/auth/verify", { body: { token: refresh.body.accessToken } });
      const logout = await rest<Body>(auth, "POST", "/api/v1/auth/logout", { body: { refreshToken: refresh.body.refreshToken } });
      const failed = await rest<Body>(auth, "POST", "/api/v1/auth/login", {
        body: { email: "nostore@e2e.test", password: "wrong password" },
      });
      for (const res of [register, login, refresh, verify, logout, failed]) expect(res.headers.get("cache-control")).toBe("no-store");
      expect([login.status, refresh.status, failed.status]).toEqual([200, 200, 401]);
      expect((await rest<Body>(stack.services.author.baseUrl, "GET", "/api/v1/authors")).headers.get("cache-control")).toBeNull();
    });

    it("answers a huge URL with 414 and huge headers with 431, both with the error body", async () => {
      const { httpPort } = stack.services.book;
      const exchange = (request: string) =>
        new Promise<string>((resolve) => {
          const socket = connect(httpPort, "127.0.0.1");
          const chunks: Buffer[] = [];
          socket.on("data", (c) => chunks.push(c));
          socket.on("error", () => resolve(Buffer.concat(chunks).toString()));
          socket.on("close", () => resolve(Buffer.concat(chunks).toString()));
          socket.write(request);
        });
      const uri = await exchange(`GET /api/v1/books?q=${"u".repeat(64_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(uri).toMatch(/^HTTP\/1\.1 414 /);
      expect(JSON.parse(uri.split("\r\n\r\n")[1])).toEqual({ code: 3, message: "the request URI is too long", details: [] });
      const headers = await exchange(`GET /api/v1/books HTTP/1.1\r\nHost: x\r\nX-Big: ${"h".repeat(64_000)}\r\n\r\n`);
      expect(headers).toMatch(/^HTTP\/1\.1 431 /);
      expect(JSON.parse(headers.split("\r\n\r\n")[1])).toEqual({ code: 3, message: "the request headers are too large", details: [] });
    });
  });

  describe("gRPC bind address (item 7)", () => {
    let db: TestDatabase | undefined;
    let author: ServiceProcess | undefined;
    afterAll(async () => {
      await author?.stop();
      await db?.drop();
    });

    it("in development the gRPC port listens on 127.0.0.1 only, even with HOST=0.0.0.0 for REST", async () => {
      const outside = outsideAddress();
      if (!outside) throw new Error("this machine has no non-loopback IPv4 address to probe from");
      db = await createTestDatabase("author_bind_e2e");
      author = new ServiceProcess("author", await freePort(), await freePort(), {
        NODE_ENV: "development",
        HOST: "0.0.0.0",
        SERVER_KEY,
        DATABASE_URL: db.url ?? "",
        LOG_LEVEL: "warn",
      });
      await author.start();
      expect(await tcpProbe(outside, author.httpPort), "REST follows HOST").toBe("open");
      expect(await tcpProbe(outside, author.grpcPort), "gRPC is not reachable from outside").toBe("ECONNREFUSED");
      const client = grpcClient("author", "AuthorService", author.grpcAddress);
      try {
        expect(await grpcCode(client.call("listAuthors", {}, { "x-server-key": SERVER_KEY }))).toBe("ok");
      } finally {
        client.close();
      }
    });
  });
});
