import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createLogger, openDatabase, REPO_ROOT } from "@lms/platform";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

// The migrate CLI as `make migrate-up SVC=author` runs it: a separate process, configured by env.
describe("migrate CLI", () => {
  let database: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    database = await createTestDatabase("cli_migrate_it");
    dataDir = await mkdtemp(join(tmpdir(), "lms-migrate-it-"));
  });
  afterAll(async () => {
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  function childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    delete env.AUTHOR_DATABASE_URL;
    if (database.url) env.AUTHOR_DATABASE_URL = database.url;
    // Embedded only: nothing listens on port 1, so the "is author running on it?" guard passes.
    else env.AUTHOR_HTTP_PORT = "1";
    return env;
  }

  async function migrate(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "packages/cli/src/migrate.ts", ...args], {
      cwd: REPO_ROOT,
      env: childEnv(),
      timeout: 90_000,
    });
    return stdout;
  }

  async function authorsTableExists(): Promise<boolean> {
    const sql = "select to_regclass('public.authors') is not null as present";
    if (database.url) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query<{ present: boolean }>(sql)).rows[0]?.present === true;
      } finally {
        await client.end();
      }
    }
    const log = createLogger("migrate-it", "silent");
    const db = await openDatabase({
      service: "author",
      url: undefined,
      dataDir,
      pool: { maxOpen: 1, maxIdle: 0, maxLifetimeSeconds: 0 },
      log,
    });
    try {
      return (await db.pool.query<{ present: boolean }>(sql)).rows[0]?.present === true;
    } finally {
      await db.close();
    }
  }

  it("up creates the authors table, a second up applies nothing", { timeout: 120_000 }, async () => {
    expect(await migrate("up", "--svc", "author")).toMatch(/^author \[.*\]: applied 0001_create_authors$/m);
    expect(await authorsTableExists()).toBe(true);
    expect(await migrate("up", "--svc", "author")).toMatch(/^author \[.*\]: nothing to apply$/m);
  });

  it("down reverts it", { timeout: 120_000 }, async () => {
    expect(await migrate("down", "--svc", "author")).toMatch(/^author \[.*\]: reverted 0001_create_authors$/m);
    expect(await authorsTableExists()).toBe(false);
  });

  it("refuses an unknown service with exit code 2 and the usage", { timeout: 60_000 }, async () => {
    await expect(migrate("up", "--svc", "library")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown service "library"[\s\S]*usage: migrate/),
    });
  });
});
