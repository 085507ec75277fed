// `migrate up|down [--svc <name>] [--steps N]` (DESIGN.md §1 `make migrate-up` / `migrate-down`):
// the same runner and the same SQL files the services apply at start-up.
import { existsSync } from "node:fs";
import { createLogger, type Database, loadMigrations, migrateDown, migrateUp, migrationsDirOf, openDatabase } from "@lms/platform";
import { isEntryPoint, parseCommandLine, runCli, UsageError } from "./entry-point.js";
import { embeddedDataDirOf, startLocalPostgres } from "./local-postgres.js";
import { envPrefixOf, getService, presentServices, type ServiceSpec } from "./services.js";

const USAGE = "migrate up|down [--svc <auth|author|category|book>] [--steps N (down only, default 1)]";

type Env = Record<string, string | undefined>;

/** What one invocation asks for. */
export interface MigrateRequest {
  direction: "up" | "down";
  services: ServiceSpec[];
  /** Migrations to revert per service (down only). */
  steps: number;
  /** True when one service was named with --svc: only then does plain DATABASE_URL apply. */
  single: boolean;
}

/** Reads the command line; every mistake is a UsageError. */
export function parseMigrateArgs(args: string[], present = presentServices()): MigrateRequest {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: { svc: { type: "string" }, steps: { type: "string" } },
  });
  const direction = positionals[0];
  if ((direction !== "up" && direction !== "down") || positionals.length > 1) throw new UsageError("say up or down");
  if (values.steps !== undefined && direction === "up") throw new UsageError("--steps applies to down only (up applies all pending)");
  const steps = values.steps === undefined ? 1 : Number(values.steps);
  if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`--steps must be a positive integer, got "${values.steps}"`);
  return { direction, steps, single: values.svc !== undefined, services: selectServices(values.svc, present) };
}

function selectServices(svc: string | undefined, present: ServiceSpec[]): ServiceSpec[] {
  if (svc === undefined) return present;
  let spec: ServiceSpec;
  try {
    spec = getService(svc);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!present.some((s) => s.name === spec.name)) throw new Error(`${svc} is not present yet (no packages/${svc}/src/main.ts)`);
  return [spec];
}

/** `<SVC>_DATABASE_URL`, else DATABASE_URL when a single service was named, else undefined (embedded). */
export function databaseUrlOf(spec: ServiceSpec, env: Env, single: boolean): string | undefined {
  const own = env[`${envPrefixOf(spec.name)}_DATABASE_URL`]?.trim();
  if (own) return own;
  const shared = single ? env.DATABASE_URL?.trim() : undefined;
  return shared || undefined;
}

async function openFor(spec: ServiceSpec, url: string): Promise<Database> {
  return openDatabase({
    service: spec.name,
    url,
    dataDir: "./data",
    pool: { maxOpen: 2, maxIdle: 0, maxLifetimeSeconds: 0 },
    log: createLogger(`migrate-${spec.name}`, "warn"),
  });
}

/**
 * The URL to migrate: the service's own, else its database on `make run`'s embedded server
 * (started for the time of the migration; refused with one line while `make run` holds it).
 */
async function urlFor(spec: ServiceSpec, req: MigrateRequest, env: Env): Promise<{ url: string; where: string; done(): Promise<void> }> {
  const url = databaseUrlOf(spec, env, req.single);
  if (url) return { url, where: whereIs(url), done: async () => {} };
  const local = await startLocalPostgres([spec], env, () => {});
  const own = local.urls.get(spec.name) ?? "";
  return { url: own, where: `embedded ${embeddedDataDirOf(env)}${new URL(own).pathname}`, done: () => local.stop() };
}

/** Applies or reverts one service's migrations and says what changed, in one line. */
export async function migrateService(spec: ServiceSpec, req: MigrateRequest, env: Env): Promise<string> {
  const dir = migrationsDirOf(spec.name);
  if (!existsSync(dir)) return `${spec.name}: no migrations folder (packages/${spec.name}/migrations)`;
  const names = new Map((await loadMigrations(dir)).map((m) => [m.version, `${String(m.version).padStart(4, "0")}_${m.name}`]));
  const target = await urlFor(spec, req, env);
  const db = await openFor(spec, target.url).catch(async (err: unknown) => {
    await target.done();
    throw err;
  });
  try {
    const versions = req.direction === "up" ? await migrateUp(db.pool, dir) : await migrateDown(db.pool, dir, req.steps);
    const verb = req.direction === "up" ? "applied" : "reverted";
    const what = versions.length
      ? `${verb} ${versions.map((v) => names.get(v) ?? String(v)).join(", ")}`
      : `nothing to ${req.direction === "up" ? "apply" : "revert"}`;
    return `${spec.name} [${target.where}]: ${what}`;
  } finally {
    await db.close();
    await target.done();
  }
}

/** Where the database is, without the credentials a URL may hold. */
function whereIs(url: string): string {
  const { host, pathname } = new URL(url);
  return `postgres ${host}${pathname}`;
}

async function main(): Promise<void> {
  const req = parseMigrateArgs(process.argv.slice(2));
  if (req.services.length === 0) throw new Error("no service is present (packages/<svc>/src/main.ts)");
  if (!req.single && process.env.DATABASE_URL) {
    process.stdout.write("note: DATABASE_URL is ignored without --svc (each service has its own database: use <SERVICE>_DATABASE_URL)\n");
  }
  for (const spec of req.services) {
    process.stdout.write(`${await migrateService(spec, req, process.env)}\n`);
  }
}

if (isEntryPoint(import.meta.url)) await runCli("migrate", USAGE, main);
