import { mkdtempSync } from "node:fs";
import { get, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../tests/e2e/support/ports.js";
import type { ServiceName } from "../shared/service-routes.js";
import { buildWebOrigin, type WebOrigin } from "./origin.js";
import { echo, type FakeUpstream, startFakeUpstream, testConfig } from "./testing/fake-upstream.js";

const NAMES: ServiceName[] = ["auth", "author", "category", "book"];

describe("the origin forwards /api/v1/... to the owning service", () => {
  const fakes = {} as Record<ServiceName, FakeUpstream>;
  let origin: WebOrigin;
  let base: string;

  beforeAll(async () => {
    for (const name of NAMES) fakes[name] = await startFakeUpstream(echo(name));
    const upstreams = Object.fromEntries(NAMES.map((n) => [n, fakes[n].url])) as Record<ServiceName, string>;
    origin = await buildWebOrigin(testConfig(upstreams, mkdtempSync(join(tmpdir(), "web-empty-")), 1000));
    base = `http://127.0.0.1:${(await origin.start()).httpPort}`;
  });
  afterAll(async () => {
    await origin?.stop();
    await Promise.all(Object.values(fakes).map((f) => f.close()));
  });

  const call = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init);
  const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

  it.each([
    ["/api/v1/auth/login", "auth"],
    ["/api/v1/users/42", "auth"],
    ["/api/v1/authors?pageSize=2", "author"],
    ["/api/v1/categories/7", "category"],
    ["/api/v1/books/9/copies", "book"],
    ["/api/v1/circulation/check-in", "book"],
  ])("%s reaches %s with its path and query unchanged", async (path, service) => {
    const body = await json(await call(path));
    expect([body.service, body.method, body.url]).toEqual([service, "GET", path]);
  });

  it("keeps the method, the body byte for byte and the headers that carry meaning", async () => {
    const payload = JSON.stringify({ name: "Ursula K. Le Guin", bio: "é ✓ \u0000" });
    const res = await call("/api/v1/authors/5?updateMask=name", {
      method: "PATCH",
      body: payload,
      headers: {
        "content-type": "application/json",
        authorization: "Bearer abc.def.ghi",
        "idempotency-key": "8d3c-key",
        "if-match": '"v3"',
        "if-none-match": '"v2"',
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "x-request-id": "req-123",
      },
    });
    expect(res.headers.get("x-request-id")).toBe("req-123");
    const body = await json(res);
    expect([body.method, body.url, body.body]).toEqual(["PATCH", "/api/v1/authors/5?updateMask=name", payload]);
    expect(body.headers).toMatchObject({
      "content-type": "application/json",
      authorization: "Bearer abc.def.ghi",
      "idempotency-key": "8d3c-key",
      "if-match": '"v3"',
      "if-none-match": '"v2"',
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "x-request-id": "req-123",
      "x-forwarded-for": "127.0.0.1",
    });
  });

  it("streams a body larger than any parser limit of its own (3 MiB), so the service alone applies its limit", async () => {
    const big = "x".repeat(3 * 1024 * 1024);
    const body = await json(await call("/api/v1/books", { method: "POST", body: big, headers: { "content-type": "text/plain" } }));
    expect([body.service, body.bodyLength]).toEqual(["book", big.length]);
  });

  it("passes large answers back whole, with or without a Content-Length (streamed, not held)", async () => {
    const sized = "s".repeat(300 * 1024);
    fakes.book.answer((req, res) => {
      if (req.url.endsWith("sized")) res.writeHead(200, { "content-length": sized.length }).end(sized);
      else {
        res.writeHead(200); // chunked: no length known in advance
        for (let i = 0; i < 50; i++) res.write("c".repeat(4096));
        res.end();
      }
    });
    try {
      expect(await (await call("/api/v1/books/sized")).text()).toBe(sized);
      expect(await (await call("/api/v1/books/chunked")).text()).toBe("c".repeat(50 * 4096));
    } finally {
      fakes.book.answer(echo("book"));
    }
  });

  it("passes the service's status, headers and body back as they are: 201 with Location and ETag, errors too", async () => {
    fakes.author.answer((_req, res) => {
      res.writeHead(201, {
        location: "/api/v1/authors/77",
        etag: '"1"',
        "content-type": "application/json",
        "idempotency-replayed": "true",
      });
      res.end('{"id":"77"}');
    });
    const created = await call("/api/v1/authors", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect([
      created.status,
      created.headers.get("location"),
      created.headers.get("etag"),
      created.headers.get("idempotency-replayed"),
    ]).toEqual([201, "/api/v1/authors/77", '"1"', "true"]);
    expect(await created.text()).toBe('{"id":"77"}');

    const refusal = { code: 10, message: "the author changed since you read it", details: [{ reason: "ETAG_MISMATCH" }] };
    fakes.author.answer((_req, res) => {
      res.writeHead(412, { "content-type": "application/json" });
      res.end(JSON.stringify(refusal));
    });
    const stale = await call("/api/v1/authors/77", { method: "PUT", body: "{}", headers: { "if-match": '"0"' } });
    expect([stale.status, await stale.json()]).toEqual([412, refusal]);
    fakes.author.answer(echo("author"));
  });

  it("leaves compression to the service: its encoding passes through, an identity answer is not re-encoded", async () => {
    const large = JSON.stringify({ items: "y".repeat(8192) });
    fakes.category.answer((req, res) => {
      const gzip = req.headers["accept-encoding"]?.includes("gzip") && req.url.includes("gzip");
      res.writeHead(200, { "content-type": "application/json", ...(gzip ? { "content-encoding": "gzip" } : {}) });
      res.end(gzip ? gzipSync(large) : large);
    });
    try {
      const raw = await rawGet(`${base}/api/v1/categories?plain`, { "accept-encoding": "gzip" });
      expect([raw.headers["content-encoding"], raw.body.toString()]).toEqual([undefined, large]);
      const zipped = await rawGet(`${base}/api/v1/categories?gzip`, { "accept-encoding": "gzip" });
      expect([zipped.headers["content-encoding"], gunzipSync(zipped.body).toString()]).toEqual(["gzip", large]);
    } finally {
      fakes.category.answer(echo("category"));
    }
  });

  it("answers an unknown /api path itself: 404 in the error shape, nothing forwarded", async () => {
    const before = NAMES.map((n) => fakes[n].received.length);
    for (const path of ["/api/v1/nothing-here", "/api/v2/books", "/api/v1", "/api"]) {
      const res = await call(path, { method: "POST", body: "{}" });
      expect([res.status, await json(res)], path).toEqual([404, { code: 12, message: expect.stringContaining(path), details: [] }]);
    }
    expect(NAMES.map((n) => fakes[n].received.length)).toEqual(before);
  });

  it("answers 503 in the error shape, naming the service, when the service does not listen", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const lonely = await buildWebOrigin(testConfig({ ...upstreamsOf(fakes), category: closed }, tmpdir(), 1000));
    const port = (await lonely.start()).httpPort;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/categories`);
      expect([res.status, await res.json()]).toEqual([
        503,
        { code: 14, message: expect.stringContaining("category service"), details: [] },
      ]);
      // The other services still answer through the same origin.
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/books`)).status).toBe(200);
    } finally {
      await lonely.stop();
    }
  });

  it("answers 504 in the error shape when the service accepts but never answers", async () => {
    fakes.book.answer(() => {}); // holds the request
    try {
      const res = await call("/api/v1/books/1");
      expect([res.status, await res.json()]).toEqual([504, { code: 4, message: expect.stringContaining("book service"), details: [] }]);
    } finally {
      fakes.book.answer(echo("book"));
    }
  });
});

/** A GET that shows the bytes on the wire (fetch would decode a gzip body). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

function upstreamsOf(fakes: Record<ServiceName, FakeUpstream>): Record<ServiceName, string> {
  return Object.fromEntries(NAMES.map((n) => [n, fakes[n].url])) as Record<ServiceName, string>;
}
