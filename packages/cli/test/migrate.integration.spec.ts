import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "@lms/platform";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../tests/e2e/support/ports.js";

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
    env.AUTHOR_DATABASE_URL = database.url;
    return env;
  }

  async function migrate(...args: string[]): Promise<string> {
    return migrateWith(childEnv(), ...args);
  }

  async function migrateWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "packages/cli/src/migrate.ts", ...args], {
      cwd: REPO_ROOT,
      env,
      timeout: 90_000,
    });
    return stdout;
  }

  async function authorsTableExists(): Promise<boolean> {
    const sql = "select to_regclass('public.authors') is not null as present";
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<{ present: boolean }>(sql)).rows[0]?.present === true;
    } finally {
      await client.end();
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

  it("without a URL, migrates the service's database on make run's embedded server", { timeout: 120_000 }, async () => {
    await chmod(dataDir, 0o755); // run as root, the server runs as `postgres` and must reach its data directory
    const env: NodeJS.ProcessEnv = { ...childEnv(), EMBEDDED_PG_PORT: String(await freePort()) };
    delete env.AUTHOR_DATABASE_URL;
    expect(await migrateWith(env, "up", "--svc", "author")).toMatch(
      /^author \[embedded .*\/postgres\/author_db\]: applied 0001_create_authors$/m,
    );
    expect(await migrateWith(env, "up", "--svc", "author")).toMatch(/^author \[embedded .*\]: nothing to apply$/m);
  });

  it("refuses an unknown service with exit code 2 and the usage", { timeout: 60_000 }, async () => {
    await expect(migrate("up", "--svc", "library")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown service "library"[\s\S]*usage: migrate/),
    });
  });
});
