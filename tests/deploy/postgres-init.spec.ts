// deploy/postgres/init/01-databases.sh against the real PostgreSQL server, run the way the
// postgres image runs it (bash, POSTGRES_USER, psql on the usual PG* variables), with throwaway
// database and role names so it never touches anything else.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { SERVICES } from "@lms/cli/services";
import { REPO_ROOT } from "@lms/platform";
import { TEST_SERVER_URL, testServerAnswers } from "@lms/platform/testing/test-database";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const SCRIPT = join(REPO_ROOT, "deploy", "postgres", "init", "01-databases.sh");
const server = await testServerAnswers();
if (!server) console.warn("[deploy] init script specs skipped: they need the PostgreSQL server at TEST_DATABASE_URL");

const url = new URL(TEST_SERVER_URL);
const admin = { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username || "postgres") };

interface Target {
  service: string;
  db: string;
  role: string;
  password: string;
}

function targets(suffix: string): Target[] {
  // The quote checks that the script passes the password as a literal, not as SQL.
  return SERVICES.map((s) => ({
    service: s.name,
    db: `${s.database}_${suffix}`,
    role: `${s.name}_${suffix}`,
    password: `pw-${s.name}-it's`,
  }));
}

/** Runs the script with the environment the postgres image gives it, plus the names of `list`. */
function runScript(list: Target[], omitPassword?: string) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    POSTGRES_USER: admin.user,
    PGHOST: admin.host,
    PGPORT: String(admin.port),
    ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}),
  };
  for (const t of list) {
    const prefix = t.service.toUpperCase();
    Object.assign(env, { [`${prefix}_DB_NAME`]: t.db, [`${prefix}_DB_USER`]: t.role });
    if (t.service !== omitPassword) env[`${prefix}_DB_PASSWORD`] = t.password;
  }
  return spawnSync("bash", [SCRIPT], { env, encoding: "utf8", timeout: 60_000 });
}

async function query<R extends pg.QueryResultRow>(config: pg.ClientConfig, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const asAdmin = { connectionString: TEST_SERVER_URL };

describe.skipIf(!server)("deploy/postgres/init/01-databases.sh on the real PostgreSQL", () => {
  const created = targets(randomBytes(4).toString("hex"));
  const refused = targets(randomBytes(4).toString("hex"));

  afterAll(async () => {
    for (const t of [...created, ...refused]) {
      await query(asAdmin, `drop database if exists "${t.db}" with (force)`);
      await query(asAdmin, `drop role if exists "${t.role}"`);
    }
  });

  it("creates four databases, each owned by its own login role with a password", async () => {
    const run = runScript(created);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const rows = await query<{ datname: string; owner: string; canlogin: boolean; scram: boolean }>(
      asAdmin,
      `select d.datname, r.rolname as owner, r.rolcanlogin as canlogin, r.rolpassword like 'SCRAM-SHA-256$%' as scram
         from pg_database d join pg_authid r on r.oid = d.datdba where d.datname = any($1) order by d.datname`,
      [created.map((t) => t.db)],
    );
    const expected = created.map((t) => ({ datname: t.db, owner: t.role, canlogin: true, scram: true }));
    expect(rows).toEqual(expected.sort((a, b) => a.datname.localeCompare(b.datname)));
  });

  it("lets each role connect to its own database and create a table there", async () => {
    for (const t of created) {
      const conn = { host: admin.host, port: admin.port, user: t.role, password: t.password, database: t.db };
      await query(conn, "create table deploy_probe (id int primary key)");
      await query(conn, "insert into deploy_probe values (1)");
      expect(await query(conn, "select id from deploy_probe")).toEqual([{ id: 1 }]);
    }
  });

  it("keeps each role out of the other services' databases", async () => {
    const [first, second] = created;
    const conn = { host: admin.host, port: admin.port, user: first.role, password: first.password, database: second.db };
    await expect(query(conn, "select 1")).rejects.toThrow(/permission denied for database/);
  });

  it("creates nothing when a password is missing, and names it", async () => {
    const run = runScript(refused, "category");
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("CATEGORY_DB_PASSWORD is not set");
    const rows = await query(asAdmin, "select datname from pg_database where datname = any($1)", [refused.map((t) => t.db)]);
    expect(rows).toEqual([]);
  });
});
