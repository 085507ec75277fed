// The backup and restore of one service database that docs/operations.md gives, run as written
// (pg_dump / pg_restore as the service's own role) against the real PostgreSQL server.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateUp, migrationsDirOf } from "@lms/platform";
import { TEST_SERVER_URL, testServerAnswers } from "@lms/platform/testing/test-database";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const server = await testServerAnswers();
if (!server) console.warn("[deploy] backup/restore specs skipped: they need the PostgreSQL server at TEST_DATABASE_URL");
const toolsFit = server && (await pgDumpFitsServer());
if (server && !toolsFit)
  console.warn("[deploy] backup/restore specs skipped: they need pg_dump/pg_restore of the server's major version or later on PATH");

/** pg_dump refuses a server newer than itself (the run's embedded server is 17). */
async function pgDumpFitsServer(): Promise<boolean> {
  const version = spawnSync("pg_dump", ["--version"], { encoding: "utf8" }).stdout?.match(/(\d+)\.\d+/)?.[1];
  if (!version) return false;
  const [row] = await sql(TEST_SERVER_URL, "select current_setting('server_version_num')::int / 10000 as major");
  return Number(version) >= Number(row?.major);
}

async function sql(connectionString: string, text: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

function tool(program: string, args: string[]): void {
  const result = spawnSync(program, args, { encoding: "utf8", timeout: 60_000 });
  expect(result.status, `${program} ${args.join(" ")}\n${result.stderr}`).toBe(0);
}

describe.skipIf(!toolsFit)("backing up and restoring a service database (docs/operations.md)", () => {
  const suffix = randomBytes(4).toString("hex");
  const role = `author_${suffix}`;
  const database = `author_db_${suffix}`;
  const asRole = Object.assign(new URL(TEST_SERVER_URL), { username: role, password: "backup-spec", pathname: `/${database}` }).toString();
  const dir = mkdtempSync(join(tmpdir(), "lms-backup-"));
  const dump = join(dir, `${database}.dump`);

  beforeAll(async () => {
    await sql(TEST_SERVER_URL, `create role "${role}" login password 'backup-spec'`);
    await sql(TEST_SERVER_URL, `create database "${database}" owner "${role}"`);
    const pool = new pg.Pool({ connectionString: asRole, max: 1 });
    await migrateUp(pool, migrationsDirOf("author")).finally(() => pool.end());
    await sql(asRole, "create table backup_probe (v text); insert into backup_probe values ('in the backup')");
  });
  afterAll(async () => {
    await sql(TEST_SERVER_URL, `drop database if exists "${database}" with (force)`);
    await sql(TEST_SERVER_URL, `drop role if exists "${role}"`);
    rmSync(dir, { recursive: true, force: true });
  });

  it("pg_dump as the service role, recreate the database, pg_restore --no-owner as that role", async () => {
    tool("pg_dump", ["--format=custom", `--file=${dump}`, asRole]);
    await sql(asRole, "insert into backup_probe values ('after the backup')");
    await sql(TEST_SERVER_URL, `drop database "${database}" with (force)`);
    await sql(TEST_SERVER_URL, `create database "${database}" owner "${role}"`);
    tool("pg_restore", ["--no-owner", "--exit-on-error", `--dbname=${asRole}`, dump]);

    expect(await sql(asRole, "select v from backup_probe")).toEqual([{ v: "in the backup" }]);
    const pool = new pg.Pool({ connectionString: asRole, max: 1 });
    const applied = await migrateUp(pool, migrationsDirOf("author")).finally(() => pool.end());
    expect(applied, "the restored schema is already migrated").toEqual([]);
  });
});
