import { join } from "node:path";
import type { ServiceProcess } from "@lms/cli/service-process";
import { entryOf } from "@lms/cli/services";
import { WEB_ENTRY } from "@lms/cli/web-origin";
import { migrateUp, migrationsDirOf } from "@lms/platform";
import { createTestDatabase, type TestDatabase } from "@lms/platform/testing/test-database";
import pg from "pg";
import { freePort } from "../tests/e2e/support/ports.js";
import { READY_TIMEOUT_MS, spawnLogged } from "./process.js";
import { checkpoint, type SeedSizes, seedAll } from "./seed.js";

export const SERVICES = ["auth", "author", "category", "book"] as const;
export type ServiceName = (typeof SERVICES)[number];

export const SERVER_KEY = "bench-server-key-0123456789abcdefghij";
export const ADMIN = { email: "admin@bench.test", password: "admin-password-bench" };

/** The four services as real processes on seeded throwaway databases. */
export interface BenchStack {
  services: Record<ServiceName, ServiceProcess>;
  /** `http://127.0.0.1:<port>` of each REST face. */
  http: Record<ServiceName, string>;
  /** `127.0.0.1:<port>` of each gRPC face. */
  grpc: Record<ServiceName, string>;
  /** Connection URL of each service's database (the bench reads book_db for invariants). */
  databaseUrl: Record<ServiceName, string>;
  /** The web origin (DESIGN.md §9) in front of the four, and its `http://127.0.0.1:<port>`. */
  web: ServiceProcess;
  webUrl: string;
  stop(): Promise<void>;
}

/**
 * Creates one database per service on the test server, applies each service's migrations
 * with the same runner the services use, seeds them in bulk, and only then starts the
 * services (auth first: the others fetch its keys), so no service ever sees a half-seeded
 * catalogue. Production settings throughout: NODE_ENV=production, default pools and argon2
 * costs, info-level logs (to files under `logDir`).
 */
export async function startBenchStack(sizes: SeedSizes, logDir: string, log: (line: string) => void): Promise<BenchStack> {
  const databases: TestDatabase[] = [];
  const started: ServiceProcess[] = [];
  try {
    for (const name of SERVICES) databases.push(await createTestDatabase(`bench_${name}`));
    const databaseUrl = Object.fromEntries(SERVICES.map((s, i) => [s, databases[i].url ?? ""])) as Record<ServiceName, string>;
    await Promise.all(SERVICES.map((s) => migrate(databaseUrl[s], s)));
    const seedStart = performance.now();
    const vacuumed = await seedAll(databaseUrl, sizes);
    log(
      `seeded ${sizes.books} books, ${sizes.authors} authors, ${sizes.categories} categories, ${sizes.loans} loans in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    for (const [db, v] of Object.entries(vacuumed)) {
      log(
        `VACUUM ANALYZE of ${db}: ${v.allVisiblePages} of ${v.pages} pages all-visible after ${v.passes} pass${v.passes > 1 ? "es" : ""}`,
      );
    }
    const flushed = await checkpoint(databaseUrl.book);
    log(
      "ms" in flushed ? `CHECKPOINT after seeding: ${(flushed.ms / 1000).toFixed(1)} s` : `no CHECKPOINT after seeding: ${flushed.refused}`,
    );
    const ports = Object.fromEntries(
      await Promise.all(SERVICES.map(async (s) => [s, { http: await freePort(), grpc: await freePort() }] as const)),
    );
    const http = Object.fromEntries(SERVICES.map((s) => [s, `http://127.0.0.1:${ports[s].http}`])) as Record<ServiceName, string>;
    const grpc = Object.fromEntries(SERVICES.map((s) => [s, `127.0.0.1:${ports[s].grpc}`])) as Record<ServiceName, string>;
    const shared: Record<string, string> = {
      NODE_ENV: "production",
      SERVER_KEY,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      GRPC_HOST: "127.0.0.1",
      AUTH_GRPC_ADDR: grpc.auth,
      AUTHOR_GRPC_ADDR: grpc.author,
      CATEGORY_GRPC_ADDR: grpc.category,
      BOOK_GRPC_ADDR: grpc.book,
      AUTH_JWKS_URL: `${http.auth}/.well-known/jwks.json`,
      // Production argon2id costs (the auth defaults), stated so a changed default shows here.
      ARGON2_MEMORY_KIB: "19456",
      ARGON2_TIME_COST: "2",
      ARGON2_PARALLELISM: "1",
      // Tokens taken at the start must outlive a full run (~15 min); the default is 15 min.
      ACCESS_TOKEN_TTL: "3600",
    };
    const services = {} as Record<ServiceName, ServiceProcess>;
    const start = (s: ServiceName) => {
      const env = { ...shared, DATABASE_URL: databaseUrl[s], HTTP_PORT: String(ports[s].http), GRPC_PORT: String(ports[s].grpc) };
      services[s] = spawnLogged({ name: s, entry: entryOf(s), env, logFile: join(logDir, `${s}.log`) });
      started.push(services[s]);
      return services[s].waitReady(`${http[s]}/readyz`, READY_TIMEOUT_MS);
    };
    await start("auth");
    await Promise.all((["author", "category", "book"] as const).map(start));
    const { web, webUrl } = await startWebOrigin(http, logDir);
    started.push(web);
    return {
      services,
      http,
      grpc,
      databaseUrl,
      web,
      webUrl,
      async stop() {
        await Promise.all(started.map((p) => p.stop()));
        await Promise.all(databases.map((d) => d.drop()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((p) => p.stop()));
    await Promise.all(databases.map((d) => d.drop()));
    throw err;
  }
}

/** The web origin as `make run` starts it, forwarding to `http`, production settings, logs to a file. */
async function startWebOrigin(http: Record<ServiceName, string>, logDir: string): Promise<{ web: ServiceProcess; webUrl: string }> {
  const port = await freePort();
  const env: Record<string, string> = { NODE_ENV: "production", HOST: "127.0.0.1", WEB_HTTP_PORT: String(port), LOG_LEVEL: "info" };
  for (const s of SERVICES) env[`${s.toUpperCase()}_HTTP_URL`] = http[s];
  const webUrl = `http://127.0.0.1:${port}`;
  const web = spawnLogged({ name: "web", entry: WEB_ENTRY, env, logFile: join(logDir, "web.log") });
  try {
    await web.waitReady(`${webUrl}/readyz`, READY_TIMEOUT_MS);
  } catch (err) {
    await web.stop();
    throw err;
  }
  return { web, webUrl };
}

async function migrate(url: string, service: ServiceName): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrateUp(pool, migrationsDirOf(service));
  } finally {
    await pool.end();
  }
}
