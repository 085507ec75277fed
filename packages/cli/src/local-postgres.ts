// The one embedded PostgreSQL server of `make run` (DESIGN.md §1): under $DATA_DIR/postgres, on
// 127.0.0.1:EMBEDDED_PG_PORT, one database and role per service that has no <SERVICE>_DATABASE_URL.
import { join } from "node:path";
import { grantDatabase } from "@lms/platform/db/embedded-databases";
import { startEmbeddedPostgres } from "@lms/platform/db/embedded-postgres";
import { embeddedNamesOf } from "@lms/platform/db/embedded-rules";
import { envPrefixOf, type ServiceName, type ServiceSpec } from "./services.js";

type Env = Record<string, string | undefined>;

/** Default port of the embedded server: below the kernel's ephemeral range, beside the usual 5432. */
export const DEFAULT_EMBEDDED_PG_PORT = 5440;

/** EMBEDDED_PG_PORT, else {@link DEFAULT_EMBEDDED_PG_PORT}; throws a message naming the variable. */
export function embeddedPortOf(env: Env): number {
  const raw = env.EMBEDDED_PG_PORT?.trim();
  if (!raw) return DEFAULT_EMBEDDED_PG_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`EMBEDDED_PG_PORT: must be a port number 1..65535, got "${raw}"`);
  return port;
}

/** `$DATA_DIR/postgres` (DATA_DIR default ./data), as the user wrote it. */
export function embeddedDataDirOf(env: Env): string {
  return join(env.DATA_DIR?.trim() || "./data", "postgres");
}

/** The services that have no `<SERVICE>_DATABASE_URL`, so use the embedded server. */
export function servicesOnEmbedded(services: ServiceSpec[], env: Env): ServiceSpec[] {
  return services.filter((s) => !env[`${envPrefixOf(s.name)}_DATABASE_URL`]?.trim());
}

/** The running server and each service's own URL on it. */
export interface LocalPostgres {
  urls: Map<ServiceName, string>;
  stop(): Promise<void>;
}

/** Starts (initialising on first use) the server and grants each of `specs` its database and role. */
export async function startLocalPostgres(specs: ServiceSpec[], env: Env, say: (line: string) => void): Promise<LocalPostgres> {
  const server = await startEmbeddedPostgres({ dataDir: embeddedDataDirOf(env), port: embeddedPortOf(env), listen: true, say });
  const urls = new Map<ServiceName, string>();
  try {
    for (const spec of specs) urls.set(spec.name, await grantDatabase(server, embeddedNamesOf(spec.name), say));
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { urls, stop: () => server.stop() };
}

/**
 * What a service on the embedded server gets on top of its environment: its own DATABASE_URL,
 * and DB_MAX_IDLE_CONNS 0 unless set, so a development machine at rest holds no idle
 * connections (each is a server process of ~15 MiB; a new one on loopback costs a few ms).
 */
export function embeddedServiceEnv(url: string, env: Env): Env {
  return { DATABASE_URL: url, DB_MAX_IDLE_CONNS: env.DB_MAX_IDLE_CONNS?.trim() || "0" };
}
