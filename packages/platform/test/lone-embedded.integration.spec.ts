// A service process started alone with no DATABASE_URL (DESIGN.md §1): its own embedded
// PostgreSQL under $DATA_DIR/<service>, on a private socket, stopped when the database closes.
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/database.js";
import { createLogger } from "../src/observability/logger.js";

describe("openDatabase without a URL", { timeout: 60_000 }, () => {
  let dataDir: string;
  const open = () =>
    openDatabase({
      service: "lone",
      url: undefined,
      dataDir,
      pool: { maxOpen: 4, maxIdle: 0, maxLifetimeSeconds: 0 },
      log: createLogger("lone", "silent"),
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lms-lone-"));
    await chmod(dataDir, 0o755); // run as root, the server runs as `postgres` and must reach its data directory
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("starts a real server under <dataDir>/<service>, keeps data across opens, and stops it on close", async () => {
    const first = await open();
    expect(first.kind).toBe(`embedded (${join(dataDir, "lone")})`);
    await first.pool.query("create table kept (n int)");
    const sessions = await Promise.all([1, 2, 3].map(() => first.pool.connect()));
    const pids = await Promise.all(
      sessions.map(async (c) => (await c.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0].pid),
    );
    for (const c of sessions) c.release();
    expect(new Set(pids).size).toBe(3);
    await first.close();
    expect(existsSync(join(dataDir, "lone", "postmaster.pid"))).toBe(false);

    const again = await open();
    try {
      expect((await again.pool.query("select count(*)::int as n from kept")).rows[0]).toEqual({ n: 0 });
    } finally {
      await again.close();
    }
  });
});
