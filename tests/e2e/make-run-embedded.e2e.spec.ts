// `make run` with no <SERVICE>_DATABASE_URL (DESIGN.md §1): the real launcher starts one embedded
// PostgreSQL server under $DATA_DIR/postgres, a database and role per service, and stops it last.
import { once } from "node:events";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServiceProcess, spawnService } from "@lms/cli/service-process";
import { SERVICES } from "@lms/cli/services";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./support/ports.js";

const ADMIN = { email: "root@library.test", password: "admin-secret-123" };

/** The launcher as `make run` starts it, all its output kept. */
function startLauncher(env: Record<string, string>): ServiceProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.endsWith("DATABASE_URL")));
  const entry = join("packages", "cli", "src", "run-all.ts");
  return spawnService({ name: "make run", entry, env: { ...base, ...env }, output: { keep: Number.POSITIVE_INFINITY } });
}

/** Ctrl-C, and the launcher's exit code once it has stopped everything. */
async function interrupt(launcher: ServiceProcess): Promise<number | null> {
  return (await launcher.stop({ signal: "SIGINT", graceMs: 120_000 })).code;
}

/** Fields of `postmaster.pid`: the server's pid, port and socket directory. */
async function postmaster(dataDir: string): Promise<{ pid: number; port: number; socketDir: string }> {
  const lines = (await readFile(join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]), socketDir: lines[4] };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function login(base: string): Promise<number> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  await res.arrayBuffer();
  return res.status;
}

describe("make run on the embedded PostgreSQL", { timeout: 240_000 }, () => {
  let dataDir: string;
  const env: Record<string, string> = {};
  const bases: string[] = [];
  let web = "";
  let launcher: ServiceProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "lms-make-run-"));
    await chmod(dataDir, 0o755); // run as root, the server runs as `postgres` and must reach its data directory
    Object.assign(env, {
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ARGON2_MEMORY_KIB: "1024",
      ARGON2_TIME_COST: "1",
      // This spec is about the database under concurrent logins, not the login throttle.
      LOGIN_MAX_FAILURES: "1000",
      LOG_LEVEL: "warn",
    });
    for (const s of SERVICES) {
      const http = await freePort();
      env[`${s.name.toUpperCase()}_HTTP_PORT`] = String(http);
      env[`${s.name.toUpperCase()}_GRPC_PORT`] = String(await freePort());
      bases.push(`http://127.0.0.1:${http}`);
    }
    env.WEB_HTTP_PORT = String(await freePort());
    web = `http://127.0.0.1:${env.WEB_HTTP_PORT}`;
  });

  afterAll(async () => {
    await launcher?.stop({ signal: "SIGKILL" });
    // After a failure, leave no server behind either.
    const left = await postmaster(dataDir).catch(() => undefined);
    if (left && alive(left.pid)) process.kill(left.pid, "SIGQUIT");
    await rm(dataDir, { recursive: true, force: true });
  });

  async function startAndAwait(): Promise<ServiceProcess> {
    launcher = startLauncher(env);
    const deadline = Date.now() + 180_000;
    // The web origin starts last, once the services are ready (and the app is built, if it must be).
    for (const base of [...bases, web]) await launcher.waitReady(`${base}/readyz`, deadline - Date.now());
    return launcher;
  }

  it("starts every service on one server, answers 60 concurrent logins, and stops the server with the services", async () => {
    const run = await startAndAwait();
    expect(run.output()).toContain(`initialising the embedded PostgreSQL under ${join(dataDir, "postgres")}`);
    for (const s of SERVICES) expect(run.output()).toContain(`creating database ${s.name}_db (role ${s.name})`);

    const statuses = await Promise.all(Array.from({ length: 60 }, () => login(bases[0])));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // The web origin beside them (DESIGN.md §9): printed, and forwarding to auth.
    expect(await login(web)).toBe(200);

    const server = await postmaster(dataDir);
    expect(server.port).toBe(Number(env.EMBEDDED_PG_PORT));
    const admin = { host: server.socketDir, port: server.port, user: "postgres", database: "postgres" };
    const listener = new pg.Client(admin);
    const notifier = new pg.Client(admin);
    await listener.connect();
    await notifier.connect();
    try {
      const databases = await notifier.query<{ datname: string }>(
        "select datname from pg_database join pg_roles on datdba = pg_roles.oid where datname = rolname || '_db'",
      );
      expect(databases.rows.map((r) => r.datname).sort()).toEqual(SERVICES.map((s) => `${s.name}_db`).sort());
      const crossed = await notifier.query(
        "select 1 from pg_roles r, pg_database d where r.rolname in ('auth', 'author', 'category', 'book') and d.datname <> r.rolname || '_db' and d.datname like '%_db' and has_database_privilege(r.rolname, d.datname, 'connect')",
      );
      expect(crossed.rowCount).toBe(0);
      await listener.query("listen lms_probe");
      const heard = once(listener, "notification");
      await notifier.query("select pg_notify('lms_probe', 'across connections')");
      const [message] = (await heard) as [pg.Notification];
      expect(message.payload).toBe("across connections");
    } finally {
      await listener.end();
      await notifier.end();
    }

    expect(await interrupt(run)).toBe(0);
    // Read once the launcher is gone: the banner follows the origin's readiness.
    expect(run.output()).toContain(`App         ${web}/`);
    expect(alive(server.pid)).toBe(false);
    await expect(readFile(join(dataDir, "postgres", "postmaster.pid"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("reuses the data on a second start: nothing initialised or created, the admin still logs in", async () => {
    const run = await startAndAwait();
    expect(run.output()).not.toContain("initialising");
    expect(run.output()).not.toContain("creating database");
    expect(await login(bases[0])).toBe(200);

    const second = startLauncher({ ...env, AUTH_HTTP_PORT: String(await freePort()) });
    expect((await second.exited).code).toBe(1);
    expect(second.output()).toMatch(/the embedded PostgreSQL under .* is already running \(pid \d+\)/);

    expect(await interrupt(run)).toBe(0);
  });

  it("refuses in one line when the port of the embedded server is taken", async () => {
    const holder: Server = createServer();
    await new Promise<void>((done) => holder.listen(Number(env.EMBEDDED_PG_PORT), "127.0.0.1", done));
    try {
      const run = startLauncher(env);
      expect((await run.exited).code).toBe(1);
      expect(run.output()).toContain(
        `port ${env.EMBEDDED_PG_PORT} on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port`,
      );
    } finally {
      holder.close();
    }
  });
});
