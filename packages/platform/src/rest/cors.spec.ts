import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createErrorInterceptor } from "../errors/error.interceptor.js";
import { unauthenticated } from "../errors/errors.js";
import { bindService, createInvoker } from "../grpc/invoker.js";
import { createLogger } from "../observability/logger.js";
import { createMetrics } from "../observability/metrics.js";
import { type RawHttpResult, rawHttp } from "../testing/raw-http.js";
import { CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from "./cors.js";
import { httpRoutesOf } from "./http-rules.js";
import { createRestServer } from "./rest-server.js";
import { registerTranscodedRoutes } from "./transcoder.js";

const ROUTES = httpRoutesOf([AuthService, AuthorService, CategoryService, BookService]);
const ALLOWED = "https://app.example.org";
const REQUESTED_HEADERS = "authorization, content-type, idempotency-key, if-match";

/** A REST server with every service's routes, and CORS for `origins`, listening on a free port. */
async function startServer(origins: readonly string[]): Promise<{ app: FastifyInstance; base: string }> {
  const log = createLogger("cors-spec", "silent");
  const app = await createRestServer({
    service: "author",
    log,
    metrics: createMetrics("cors-spec"),
    bodyLimit: 1 << 20,
    swagger: { swagger: "2.0", info: { title: "t", version: "1" }, paths: {} },
    routes: ROUTES,
    isReady: async () => undefined,
    corsOrigins: origins,
  });
  const invoker = createInvoker(
    [
      bindService(AuthorService, {
        listAuthors: () => ({ authors: [{ id: "a1", name: "Ursula" }], totalSize: 1 }),
        createAuthor(req, ctx) {
          if (!ctx.requestHeader.get("authorization")) throw unauthenticated("missing token");
          return { id: "a2", name: req.name };
        },
      }),
    ],
    [createErrorInterceptor(log)],
  );
  registerTranscodedRoutes(app, ROUTES, invoker);
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { app, base: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

function preflight(base: string, path: string, origin: string | undefined, method = "POST"): Promise<RawHttpResult> {
  const headers: Record<string, string> = {
    "access-control-request-method": method,
    "access-control-request-headers": REQUESTED_HEADERS,
  };
  if (origin !== undefined) headers.origin = origin;
  return rawHttp(`${base}${path}`, { method: "OPTIONS", headers });
}

function corsHeaders(res: RawHttpResult): string[] {
  return Object.keys(res.headers).filter((h) => h.startsWith("access-control-"));
}

function list(value: string | string[] | undefined): string[] {
  return String(value ?? "")
    .split(",")
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== "");
}

let server: { app: FastifyInstance; base: string };
let closed: { app: FastifyInstance; base: string };

beforeAll(async () => {
  server = await startServer([ALLOWED, "http://localhost:*"]);
  closed = await startServer([]);
});
afterAll(async () => {
  await server?.app.close();
  await closed?.app.close();
});

describe("CORS preflight over real HTTP", () => {
  it("answers 204 with the allowed methods, headers and max age on every known route", async () => {
    expect(ROUTES.length).toBeGreaterThan(20);
    for (const route of ROUTES) {
      const path = route.url.replace(/:[\w]+/g, "x1");
      const res = await preflight(server.base, path, ALLOWED, route.verb);
      expect(res.status, `${route.verb} ${route.url}`).toBe(204);
      expect(res.body.length).toBe(0);
      expect(res.headers["access-control-allow-origin"]).toBe(ALLOWED);
      expect(list(res.headers["access-control-allow-methods"])).toContain(route.verb.toLowerCase());
      expect(list(res.headers["access-control-allow-headers"])).toEqual(
        expect.arrayContaining(["authorization", "content-type", "idempotency-key", "if-match"]),
      );
      expect(res.headers["access-control-max-age"]).toBe(String(CORS_MAX_AGE_SECONDS));
      expect(list(res.headers.vary)).toContain("origin");
      expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    }
  });

  it("allows any port of a host:* entry, the default port included, and nothing else", async () => {
    for (const origin of ["http://localhost:5173", "http://localhost:8080", "http://localhost"]) {
      const res = await preflight(server.base, "/api/v1/authors", origin);
      expect(res.status, origin).toBe(204);
      expect(res.headers["access-control-allow-origin"]).toBe(origin);
    }
    const refused = [
      "https://localhost:5173",
      "http://localhost.evil.example:5173",
      "http://evil.example",
      "https://app.example.org:8443",
      "http://app.example.org",
      "null",
      "http://localhost:5173/path",
    ];
    for (const origin of refused) {
      const res = await preflight(server.base, "/api/v1/authors", origin);
      expect(corsHeaders(res), origin).toEqual([]);
      // Not answered as a preflight: the verb fallback answers, as for any OPTIONS.
      expect(res.status, origin).toBe(405);
      expect(JSON.parse(res.body.toString())).toMatchObject({ code: 12, details: [] });
    }
  });

  it("leaves OPTIONS without an Origin to the 404/405 fallbacks", async () => {
    const known = await preflight(server.base, "/api/v1/authors/a1", undefined, "GET");
    expect(known.status).toBe(405);
    expect(known.headers.allow).toBe("GET, PUT, PATCH, DELETE");
    expect(corsHeaders(known)).toEqual([]);
    const unknown = await preflight(server.base, "/api/v1/nowhere", undefined);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ code: 12 });
  });

  it("answers an allowed preflight to an unknown path too, so the page can read the 404 that follows", async () => {
    const res = await preflight(server.base, "/api/v1/nowhere", ALLOWED);
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe(ALLOWED);
    const actual = await rawHttp(`${server.base}/api/v1/nowhere`, { headers: { origin: ALLOWED } });
    expect(actual.status).toBe(404);
    expect(actual.headers["access-control-allow-origin"]).toBe(ALLOWED);
  });
});

describe("CORS on actual answers over real HTTP", () => {
  it("names the allowed origin, the exposed headers and Vary: Origin on a success", async () => {
    const res = await rawHttp(`${server.base}/api/v1/authors`, { headers: { origin: ALLOWED } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ authors: [{ id: "a1" }] });
    expect(res.headers["access-control-allow-origin"]).toBe(ALLOWED);
    expect(list(res.headers["access-control-expose-headers"])).toEqual(
      expect.arrayContaining(CORS_EXPOSED_HEADERS.map((h) => h.toLowerCase())),
    );
    expect(list(res.headers["access-control-expose-headers"])).toEqual(
      expect.arrayContaining(["location", "etag", "retry-after", "x-request-id", "idempotency-replayed", "x-degraded"]),
    );
    expect(list(res.headers.vary)).toContain("origin");
  });

  it("names the origin on error answers too (a 401 from a write without a token)", async () => {
    const res = await rawHttp(`${server.base}/api/v1/authors`, {
      method: "POST",
      headers: { origin: "http://localhost:3000", "content-type": "application/json" },
      body: JSON.stringify({ name: "N" }),
    });
    expect(res.status).toBe(401);
    expect(res.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
    expect(res.headers["www-authenticate"]).toBe("Bearer");
  });

  it("sends no CORS header at all to an origin not in the list, or without an Origin", async () => {
    for (const headers of [{ origin: "http://evil.example" }, {}] as Record<string, string>[]) {
      const res = await rawHttp(`${server.base}/api/v1/authors`, { headers });
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual([]);
    }
  });
});

describe("CORS with no origins configured (the production default)", () => {
  it("answers no preflight and sends no CORS header", async () => {
    const pre = await preflight(closed.base, "/api/v1/authors", "http://localhost:5173");
    expect(pre.status).toBe(405);
    expect(corsHeaders(pre)).toEqual([]);
    const res = await rawHttp(`${closed.base}/api/v1/authors`, { headers: { origin: "http://localhost:5173" } });
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual([]);
  });
});
