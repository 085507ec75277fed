import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTcpFaultProxy, type TcpFaultProxy } from "../testing/tcp-fault-proxy.js";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.js";
import { type Database, openDatabase } from "./database.js";
import { databaseUnavailableCause } from "./database-unavailable.js";
import { inTransaction } from "./transaction.js";

const QUERY_TIMEOUT_MS = 800;
const CONNECT_TIMEOUT_MS = 500;
const CLIENT_MARGIN_MS = 500; // database.ts: the client waits this much longer than statement_timeout

/** How long `p` takes to settle, and how. */
async function settle(p: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const start = performance.now();
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ms: performance.now() - start, error };
}

// A real PostgreSQL behind a TCP proxy that freezes like a SIGSTOPped server.
describe("database timeouts on a real server", () => {
  let database: TestDatabase;
  let proxy: TcpFaultProxy;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase("platform_timeouts");
    const url = new URL(database.url ?? "");
    proxy = await startTcpFaultProxy({ host: url.hostname, port: Number(url.port || 5432) });
    db = await openDatabase({
      service: "timeouts",
      url: proxy.urlThrough(database.url ?? ""),
      dataDir: "./data",
      pool: { maxOpen: 2, maxIdle: 0, maxLifetimeSeconds: 0, queryTimeoutMs: QUERY_TIMEOUT_MS, connectTimeoutMs: CONNECT_TIMEOUT_MS },
      log: pino({ level: "silent" }),
    });
  });
  afterAll(async () => {
    await proxy?.restore();
    await db?.close();
    await proxy?.close();
    await database?.drop();
  });

  it("the server cancels a statement past DB_QUERY_TIMEOUT_MS (57014), which counts as 'database unavailable'", async () => {
    const { error } = await settle(db.pool.query("select pg_sleep(3)"));
    expect((error as { code?: string }).code).toBe("57014");
    expect(databaseUnavailableCause(error)).toMatch(/^57014/);
  });

  it("migrations' pool has no statement timeout", async () => {
    const rows = await db.withoutTimeouts(
      async (pool) => (await pool.query("select pg_sleep(1.2), current_setting('statement_timeout') as t")).rows,
    );
    expect(rows[0].t).toBe("0");
  });

  it("a frozen server: a transaction fails within the query timeout, its client is destroyed, and the pool works after resume", async () => {
    await inTransaction(db.pool, (tx) => tx.query("select 1")); // one warm connection
    proxy.freeze();
    try {
      const tx = await settle(inTransaction(db.pool, (c) => c.query("select 1")));
      expect(databaseUnavailableCause(tx.error)).toBe("Query read timeout");
      // No second wait on a ROLLBACK the frozen server cannot answer.
      expect(tx.ms).toBeLessThan(QUERY_TIMEOUT_MS + CLIENT_MARGIN_MS + 400);
      expect(db.pool.totalCount).toBe(0);
      const ping = await settle(db.ping(300));
      expect(ping.error).toBeInstanceOf(Error);
      expect(ping.ms).toBeLessThan(300 + 400);
    } finally {
      await proxy.restore();
    }
    const sums = await Promise.all(
      [1, 2, 3].map((n) => inTransaction(db.pool, async (c) => (await c.query<{ n: number }>("select $1::int as n", [n])).rows[0].n)),
    );
    expect(sums).toEqual([1, 2, 3]);
    await db.ping(1000);
  });

  it("a frozen server: waiting for a new connection stops at DB_CONNECT_TIMEOUT_MS", async () => {
    while (db.pool.idleCount > 0) (await db.pool.connect()).release(true); // no warm connection: the next query must connect
    proxy.freeze();
    try {
      const { ms, error } = await settle(db.pool.query("select 1"));
      expect(databaseUnavailableCause(error)).toBeDefined();
      expect(ms).toBeLessThan(CONNECT_TIMEOUT_MS + 400);
    } finally {
      await proxy.restore();
    }
    await db.ping(1000);
  });
});
