import { readFile } from "node:fs/promises";
import type { BaseConfig } from "../config/config.js";
import { type Database, openDatabase } from "../db/database.js";
import { migrateUp } from "../db/migrations.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { createMetrics, type Metrics } from "../observability/metrics.js";
import { migrationsDirOf, openApiFileOf, swaggerFileOf } from "../repo-paths.js";

/** The parts every service builds the same way before its own wiring. */
export interface Basics {
  log: Logger;
  metrics: Metrics;
  db: Database;
  swagger: Record<string, unknown>;
  /** The OpenAPI 3.1 document (api/openapi/<service>.json). */
  openapi: Record<string, unknown>;
}

/**
 * Creates the logger and metrics, opens the database (`db` override, or DATABASE_URL, or the
 * embedded one) and applies the service's migrations, so a service never serves on an old schema.
 */
export async function bootstrapService(
  name: string,
  config: BaseConfig,
  overrides: { db?: Database; log?: Logger } = {},
  warnings: string[] = [],
): Promise<Basics> {
  const log = overrides.log ?? createLogger(name, config.LOG_LEVEL);
  for (const w of warnings) log.warn(w);
  const db =
    overrides.db ??
    (await openDatabase({
      service: name,
      url: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      pool: {
        maxOpen: config.DB_MAX_OPEN_CONNS,
        maxIdle: config.DB_MAX_IDLE_CONNS,
        maxLifetimeSeconds: config.DB_CONN_MAX_LIFETIME,
        queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
        connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      },
      log,
    }));
  const applied = await db.withoutTimeouts((pool) => migrateUp(pool, migrationsDirOf(name)));
  log.info({ database: db.kind, applied }, "database ready");
  const swagger = JSON.parse(await readFile(swaggerFileOf(name), "utf8")) as Record<string, unknown>;
  const openapi = JSON.parse(await readFile(openApiFileOf(name), "utf8")) as Record<string, unknown>;
  return { log, metrics: createMetrics(name), db, swagger, openapi };
}
