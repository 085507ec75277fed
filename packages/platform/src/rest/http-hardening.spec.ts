import { connect } from "node:net";
import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createErrorInterceptor } from "../errors/error.interceptor.js";
import { unauthenticated } from "../errors/errors.js";
import { bindService, createInvoker } from "../grpc/invoker.js";
import { createLogger } from "../observability/logger.js";
import { createMetrics } from "../observability/metrics.js";
import { rest } from "../testing/rest-client.js";
import { MAX_URL_LENGTH, PAGE_CSP } from "./http-hardening.js";
import { httpRoutesOf } from "./http-rules.js";
import { createRestServer } from "./rest-server.js";
import { registerTranscodedRoutes } from "./transcoder.js";

let app: FastifyInstance;
let base: string;
let port: number;

beforeAll(async () => {
  const log = createLogger("hardening-spec", "silent");
  const services = [AuthService, BookService];
  const routes = httpRoutesOf(services);
  app = await createRestServer({
    service: "book",
    log,
    metrics: createMetrics("hardening-spec"),
    bodyLimit: 1 << 20,
    swagger: { swagger: "2.0", info: { title: "t", version: "1" }, paths: {} },
    routes,
    isReady: async () => undefined,
  });
  const invoker = createInvoker(
    [
      bindService(AuthService, {
        login: () => ({ accessToken: "a.b.c", refreshToken: "r", tokenType: "Bearer", expiresIn: 900 }),
        register: (req) => ({ user: { email: req.email } }),
        verifyToken: () => ({ valid: false, reason: "malformed token" }),
        logout: () => ({}),
      }),
      bindService(BookService, {
        listBooks: () => ({}),
        getBook(_req, ctx) {
          throw unauthenticated(ctx.requestHeader.get("authorization") ? "token expired" : "missing token");
        },
      }),
    ],
    [createErrorInterceptor(log)],
  );
  registerTranscodedRoutes(app, routes, invoker);
  await app.listen({ port: 0, host: "127.0.0.1" });
  port = (app.server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => app?.close());

/** Writes `request` on a fresh TCP connection and returns everything the server answered before closing. */
function rawExchange(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", (err) => (chunks.length > 0 ? resolve(Buffer.concat(chunks).toString()) : reject(err)));
    socket.on("close", () => resolve(Buffer.concat(chunks).toString()));
    socket.write(request);
  });
}

function parseRaw(answer: string) {
  const [head, body] = answer.split("\r\n\r\n");
  const [statusLine, ...lines] = head.split("\r\n");
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  return { status: Number(statusLine.split(" ")[1]), headers, body: JSON.parse(body) as unknown };
}

describe("security headers over real HTTP", () => {
  it("send X-Content-Type-Options: nosniff on every kind of answer", async () => {
    for (const path of ["/api/v1/books", "/healthz", "/nowhere", "/api/v1/books/b1", "/"]) {
      const res = await fetch(`${base}${path}`);
      await res.arrayBuffer(); // read to the end, so the connection is idle when the server closes
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });

  it("send WWW-Authenticate: Bearer on a 401, with error=invalid_token when a token was given (RFC 6750)", async () => {
    const none = await rest(base, "GET", "/api/v1/books/b1");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    const bad = await rest(base, "GET", "/api/v1/books/b1", { token: "expired" });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect((await rest(base, "GET", "/api/v1/books")).headers.get("www-authenticate")).toBeNull();
  });

  it("send Cache-Control: no-store on the answers of methods that carry passwords or tokens, and only there", async () => {
    const answers = await Promise.all([
      rest(base, "POST", "/api/v1/auth/login", { body: { email: "a@b.c", password: "pw" } }),
      rest(base, "POST", "/api/v1/auth/register", { body: { email: "a@b.c", password: "pw" } }),
      rest(base, "POST", "/api/v1/auth/verify", { body: { token: "t" } }),
      rest(base, "POST", "/api/v1/auth/logout", { body: { refreshToken: "r" } }),
      rest(base, "POST", "/api/v1/auth/refresh", { body: { refreshToken: "r" } }), // UNIMPLEMENTED here: an error answer too
    ]);
    for (const res of answers) {
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("pragma")).toBe("no-cache");
    }
    expect((await rest(base, "GET", "/api/v1/books")).headers.get("cache-control")).toBeNull();
  });

  it("send a Content-Security-Policy on the Swagger UI page and its assets, not on API answers", async () => {
    for (const path of ["/", "/static/swagger-initializer.js", "/static/swagger-ui.css"]) {
      const res = await fetch(`${base}${path}`);
      await res.arrayBuffer();
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-security-policy"), path).toBe(PAGE_CSP);
    }
    expect((await rest(base, "GET", "/api/v1/books")).headers.get("content-security-policy")).toBeNull();
  });
});

describe("answers Node's HTTP parser gives, with the error body", () => {
  it(`answers a URL over ${MAX_URL_LENGTH} characters with 414 and the error body`, async () => {
    for (const length of [MAX_URL_LENGTH + 10, 20_000, 200_000]) {
      const res = parseRaw(await rawExchange(`GET /api/v1/books?q=${"a".repeat(length)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
      expect(res.status, `${length}`).toBe(414);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.body).toEqual({ code: 3, message: "the request URI is too long", details: [] });
    }
  });

  it("answers headers over Node's limit with 431 and the error body", async () => {
    for (const header of [
      `X-Big: ${"b".repeat(20_000)}\r\n`,
      `${Array.from({ length: 400 }, (_, i) => `X-H${i}: ${"c".repeat(60)}\r\n`).join("")}`,
    ]) {
      const res = parseRaw(await rawExchange(`GET /healthz HTTP/1.1\r\nHost: x\r\n${header}\r\n`));
      expect(res.status).toBe(431);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.body).toEqual({ code: 3, message: "the request headers are too large", details: [] });
    }
  });

  it("answers a malformed request line with 400 and the error body", async () => {
    const res = parseRaw(await rawExchange("NOT-HTTP\r\n\r\n"));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 3, message: "malformed HTTP request", details: [] });
  });
});
