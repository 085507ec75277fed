import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { rest } from "@lms/platform/testing/rest-client";
import { startTcpFaultProxy, type TcpFaultProxy } from "@lms/platform/testing/tcp-fault-proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grpcClient, grpcCode } from "./support/grpc-clients.js";
import { freePort } from "./support/ports.js";
import { ADMIN, SERVER_KEY, type Stack, startStack } from "./support/stack.js";

type Body = Record<string, unknown> & { code?: number; message?: string; details?: unknown[] };

/** The defaults of DB_QUERY_TIMEOUT_MS and DB_CONNECT_TIMEOUT_MS, written out so the bounds below read plainly. */
const QUERY_TIMEOUT_MS = 3000;
const CONNECT_TIMEOUT_MS = 2000;
const READY_TIMEOUT_MS = 2000;
const MARGIN_MS = 1500;

/** A REST read per service that needs its database. */
const READS: Record<string, { method: string; path: string; body?: unknown }> = {
  auth: { method: "POST", path: "/api/v1/auth/login", body: ADMIN },
  author: { method: "GET", path: "/api/v1/authors" },
  category: { method: "GET", path: "/api/v1/categories" },
  book: { method: "GET", path: `/api/v1/books/${randomUUID()}` },
};

const UNAVAILABLE_BODY = { code: 14, message: "database unavailable", details: [] };

/** `fn`'s result and how long it took. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - start) };
}

/** The gRPC health check's answer for the whole server ("SERVING", "NOT_SERVING"). */
async function healthStatus(address: string): Promise<string> {
  const { loadSync } = await import("@grpc/proto-loader");
  const { protoPath } = (await import("grpc-health-check")) as unknown as { protoPath: string };
  const pkg = grpc.loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  const health = new pkg.grpc.health.v1.Health(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    check: (req: object, cb: (err: Error | null, res: { status: string }) => void) => void;
  };
  try {
    return await new Promise<string>((ok, fail) => health.check({ service: "" }, (e, r) => (e ? fail(e) : ok(r.status))));
  } finally {
    health.close();
  }
}

/** Polls until `fn` answers `status` (the pool reconnects on its own; no restart). */
async function until(fn: () => Promise<{ status: number }>, status: number, ms = 15_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    const res = await fn();
    if (res.status === status) return Math.round(performance.now() - start);
    if (performance.now() - start > ms) throw new Error(`still ${res.status} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Real processes on real databases reached through TCP proxies that stop and freeze like a database server does.
describe("a database outage, end to end", () => {
  let stack: Stack;
  const proxies: Record<string, TcpFaultProxy> = {};
  const base = (name: string) => stack.services[name].baseUrl;
  const read = (name: string, token?: string) =>
    rest<Body>(base(name), READS[name].method, READS[name].path, { body: READS[name].body, token });
  let adminToken: string;

  beforeAll(async () => {
    stack = await startStack(["auth", "author", "category", "book"], {
      databaseUrl: async (name, url) => {
        const u = new URL(url);
        proxies[name] = await startTcpFaultProxy({ host: u.hostname, port: Number(u.port || 5432) }, await freePort());
        return proxies[name].urlThrough(url);
      },
    });
    const login = await rest<Body>(base("auth"), "POST", "/api/v1/auth/login", { body: ADMIN });
    adminToken = String(login.body.accessToken);
  });
  afterAll(async () => {
    await Promise.all(Object.values(proxies).map((p) => p.restore()));
    await stack?.stop();
    await Promise.all(Object.values(proxies).map((p) => p.close()));
  });

  it("stopped: every service answers its REST read 503 {code:14} with no stack or SQL, and recovers without a restart", async () => {
    for (const name of Object.keys(READS)) expect([200, 404]).toContain((await read(name)).status);
    const logStart = Object.fromEntries(Object.keys(READS).map((name) => [name, stack.services[name].logMark()]));
    await Promise.all(Object.values(proxies).map((p) => p.stop()));
    try {
      for (const name of Object.keys(READS)) {
        const res = await read(name);
        expect({ name, status: res.status, body: res.body }).toEqual({ name, status: 503, body: UNAVAILABLE_BODY });
        expect((await rest(base(name), "GET", "/readyz")).status).toBe(503);
      }
    } finally {
      await Promise.all(Object.values(proxies).map((p) => p.restore()));
    }
    for (const name of Object.keys(READS)) {
      const ms = await until(() => read(name), name === "book" ? 404 : 200);
      console.log(`[measure] ${name}: first success ${ms} ms after the database came back`);
    }
    for (const name of Object.keys(READS)) {
      const log = stack.services[name].logsSince(logStart[name]);

      expect({ name, stackInLog: /\n\s+at |"stack"/.test(log) }).toEqual({ name, stackInLog: false });
    }
  });

  describe("the author service in depth", () => {
    const author = () => stack.services.author;
    const client = () => grpcClient("author", "AuthorService", stack.grpcAddr.author);
    const create = (name: string) => rest<Body>(base("author"), "POST", "/api/v1/authors", { body: { name }, token: adminToken });

    it("stopped: REST reads and writes answer 503, gRPC UNAVAILABLE, /readyz 503; the log has one short warn line per request", async () => {
      const existing = await create("Before The Outage");
      expect(existing.status).toBe(201);
      const logStart = author().logMark();
      await proxies.author.stop();
      try {
        await outageAnswers(existing.body.id, logStart);
      } finally {
        await proxies.author.restore();
      }
      const back = await until(() => rest(base("author"), "GET", `/api/v1/authors/${existing.body.id}`), 200);
      expect((await create("After The Outage")).status).toBe(201);
      expect((await rest(base("author"), "GET", "/readyz")).status).toBe(200);
      expect(await grpcCode(client().call("getAuthor", { id: existing.body.id }, { "x-server-key": SERVER_KEY }))).toBe("ok");
      console.log(`[measure] stopped → restored: first success after ${back} ms`);
    });

    async function outageAnswers(id: unknown, logStart: number) {
      const get = await timed(() => rest<Body>(base("author"), "GET", `/api/v1/authors/${id}`));
      const post = await timed(() => create("During The Outage"));
      for (const res of [get.value, post.value]) {
        expect(res.status).toBe(503);
        expect(res.body).toEqual(UNAVAILABLE_BODY);
      }
      const grpcCall = await timed(() => grpcCode(client().call("getAuthor", { id }, { "x-server-key": SERVER_KEY })));
      expect(grpcCall.value).toBe(grpc.status.UNAVAILABLE);
      const ready = await timed(() => rest<Body>(base("author"), "GET", "/readyz"));
      expect(ready.value.status).toBe(503);
      console.log(`[measure] stopped: GET ${get.ms} ms, POST ${post.ms} ms, gRPC ${grpcCall.ms} ms, /readyz ${ready.ms} ms`);
      const log = author().logsSince(logStart);
      expect(log).not.toMatch(/\n\s+at |"stack"|"level":50/);
      const warnings = log.split("\n").filter((l) => l.includes('"msg":"database unavailable"'));
      expect(warnings.length).toBeGreaterThanOrEqual(3);
      for (const line of warnings) expect(line.length).toBeLessThan(400);
      console.log(`[measure] log line: ${warnings[0]}`);
    }

    it("frozen: requests answer 503 within the query and connect timeouts, /readyz 503 within its own, and all succeed after resume", async () => {
      const existing = await create("Before The Freeze");
      expect(existing.status).toBe(201);
      proxies.author.freeze();
      try {
        const [get, post, ready, health] = await Promise.all([
          timed(() => rest<Body>(base("author"), "GET", `/api/v1/authors/${existing.body.id}`)),
          timed(() => create("During The Freeze")),
          timed(() => rest<Body>(base("author"), "GET", "/readyz")),
          timed(() => healthStatus(stack.grpcAddr.author)),
        ]);
        console.log(`[measure] frozen: GET ${get.ms} ms, POST ${post.ms} ms, /readyz ${ready.ms} ms, gRPC health ${health.ms} ms`);
        for (const res of [get, post]) {
          expect(res.value.status).toBe(503);
          expect(res.value.body).toEqual(UNAVAILABLE_BODY);
          expect(res.ms).toBeLessThan(QUERY_TIMEOUT_MS + CONNECT_TIMEOUT_MS + MARGIN_MS);
        }
        expect(ready.value.status).toBe(503);
        expect(ready.ms).toBeLessThan(READY_TIMEOUT_MS + MARGIN_MS);
        expect(health.value).toBe("NOT_SERVING");
        expect(health.ms).toBeLessThan(READY_TIMEOUT_MS + MARGIN_MS);
        // Still frozen: later requests are bounded the same way (the pool is not stuck on the first ones).
        const again = await timed(() => rest<Body>(base("author"), "GET", "/api/v1/authors"));
        expect(again.value.status).toBe(503);
        expect(again.ms).toBeLessThan(QUERY_TIMEOUT_MS + CONNECT_TIMEOUT_MS + MARGIN_MS);
        console.log(`[measure] frozen, second wave: GET ${again.ms} ms`);
      } finally {
        await proxies.author.restore();
      }
      const back = await until(() => rest(base("author"), "GET", `/api/v1/authors/${existing.body.id}`), 200);
      expect((await create("After The Freeze")).status).toBe(201);
      expect((await rest(base("author"), "GET", "/readyz")).status).toBe(200);
      expect(await healthStatus(stack.grpcAddr.author)).toBe("SERVING");
      console.log(`[measure] frozen → resumed: first success after ${back} ms`);
    });
  });
});
