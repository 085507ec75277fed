import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createErrorInterceptor } from "../errors/error.interceptor.js";
import { bindService, createInvoker } from "../grpc/invoker.js";
import { createLogger } from "../observability/logger.js";
import { createMetrics } from "../observability/metrics.js";
import { swaggerFileOf } from "../repo-paths.js";
import { type RawHttpResult, rawHttp } from "../testing/raw-http.js";
import { COMPRESSION_THRESHOLD_BYTES } from "./compression.js";
import { httpRoutesOf } from "./http-rules.js";
import { createRestServer } from "./rest-server.js";
import { registerTranscodedRoutes } from "./transcoder.js";

const SWAGGER = JSON.parse(readFileSync(swaggerFileOf("book"), "utf8")) as Record<string, unknown>;
const BOOKS = Array.from({ length: 60 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  title: `Book number ${i}`,
  isbn: "9780306406157",
  publisher: "Ace",
  totalCopies: 2,
  availableCopies: 1,
}));

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  const log = createLogger("compression-spec", "silent");
  const routes = httpRoutesOf([BookService]);
  app = await createRestServer({
    service: "book",
    log,
    metrics: createMetrics("compression-spec"),
    bodyLimit: 1 << 20,
    swagger: SWAGGER,
    routes,
    isReady: async () => undefined,
  });
  const invoker = createInvoker(
    [
      bindService(BookService, {
        listBooks: () => ({ books: BOOKS, totalSize: BOOKS.length }),
        getBook: (req) => ({ id: req.id, title: "Small" }),
      }),
    ],
    [createErrorInterceptor(log)],
  );
  registerTranscodedRoutes(app, routes, invoker);
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});
afterAll(() => app?.close());

const GZIP = { "accept-encoding": "gzip" };

/** The body as sent before compression: gunzipped when the answer says gzip. */
function decoded(res: RawHttpResult): string {
  return (res.headers["content-encoding"] === "gzip" ? gunzipSync(res.body) : res.body).toString("utf8");
}

describe("gzip over real HTTP", () => {
  it("compresses a large transcoded list for a client that accepts gzip, to the same JSON", async () => {
    const plain = await rawHttp(`${base}/api/v1/books`);
    const zipped = await rawHttp(`${base}/api/v1/books`, { headers: GZIP });
    expect(plain.status).toBe(200);
    expect(plain.body.length).toBeGreaterThan(COMPRESSION_THRESHOLD_BYTES);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(zipped.status).toBe(200);
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toMatch(/accept-encoding/i);
    expect(zipped.headers["content-type"]).toMatch(/^application\/json/);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 4);
    expect(JSON.parse(gunzipSync(zipped.body).toString())).toEqual(JSON.parse(plain.body.toString()));
    expect((JSON.parse(plain.body.toString()) as { books: unknown[] }).books).toHaveLength(BOOKS.length);
  });

  it("picks gzip from a browser-style Accept-Encoding, and sends identity to one that offers only br", async () => {
    const browser = await rawHttp(`${base}/api/v1/books`, { headers: { "accept-encoding": "gzip, deflate, br, zstd" } });
    expect(browser.headers["content-encoding"]).toBe("gzip");
    const brOnly = await rawHttp(`${base}/api/v1/books`, { headers: { "accept-encoding": "br" } });
    expect(brOnly.status).toBe(200);
    expect(brOnly.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(brOnly.body.toString())).toMatchObject({ totalSize: BOOKS.length });
  });

  it("leaves an answer under 1 KiB uncompressed", async () => {
    const res = await rawHttp(`${base}/api/v1/books/b1`, { headers: GZIP });
    expect(res.status).toBe(200);
    expect(res.body.length).toBeLessThan(COMPRESSION_THRESHOLD_BYTES);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(res.body.toString())).toMatchObject({ id: "b1", title: "Small" });
  });

  it("compresses the Swagger JSON to the same document", async () => {
    const res = await rawHttp(`${base}/api/swagger/book.swagger.json`, { headers: GZIP });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(decoded(res))).toEqual(SWAGGER);
  });

  it("keeps /metrics readable by a scraper with and without gzip", async () => {
    const zipped = await rawHttp(`${base}/metrics`, { headers: GZIP });
    const plain = await rawHttp(`${base}/metrics`);
    for (const res of [zipped, plain]) {
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(decoded(res)).toContain("# TYPE ");
    }
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(zipped.headers["content-encoding"]).toBe("gzip");
  });

  it("streams a static Swagger UI asset compressed, byte for byte the same file", async () => {
    const plain = await rawHttp(`${base}/static/swagger-ui.css`);
    const zipped = await rawHttp(`${base}/static/swagger-ui.css`, { headers: GZIP });
    expect(plain.status).toBe(200);
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
  });

  it("does not decompress request bodies: a gzip-encoded body is refused as a client mistake", async () => {
    const res = await rawHttp(`${base}/api/v1/books`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: "not really gzip",
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.parse(decoded(res))).toMatchObject({ code: 3 });
  });
});
