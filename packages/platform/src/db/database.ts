import { join } from "node:path";
import pg from "pg";
import type { Logger } from "../observability/logger.js";
import { startEmbeddedPostgres } from "./embedded-postgres.js";

/** The number in a lone service's socket name (`.s.PGSQL.5432`); it opens no TCP port. */
const LONE_SOCKET_PORT = 5432;

/** Pool settings of DESIGN.md §6. */
export interface PoolSettings {
  /** DB_MAX_OPEN_CONNS: most connections open at once. */
  maxOpen: number;
  /** DB_MAX_IDLE_CONNS: idle connections kept; those above are closed after 10 s idle. */
  maxIdle: number;
  /** DB_CONN_MAX_LIFETIME in seconds (0 = forever): connections are recycled after it. */
  maxLifetimeSeconds: number;
}

/** A service's database: a `pg` pool on a real server, or on the embedded PostgreSQL. */
export interface Database {
  pool: pg.Pool;
  /** "postgres" or "embedded (<dir>)", for logs and start-up messages. */
  kind: string;
  /** Answers when the database does (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the database of `service`: `url` when given, else its own embedded PostgreSQL server
 * under `<dataDir>/<service>` (a service started alone; `make run` starts one shared server and
 * passes URLs instead), reached on a private unix socket, stopped by {@link Database.close}.
 */
export async function openDatabase(opts: {
  service: string;
  url: string | undefined;
  dataDir: string;
  pool: PoolSettings;
  log: Logger;
}): Promise<Database> {
  const poolConfig: pg.PoolConfig = {
    max: opts.pool.maxOpen,
    min: Math.min(opts.pool.maxIdle, opts.pool.maxOpen),
    idleTimeoutMillis: 10_000,
    maxLifetimeSeconds: opts.pool.maxLifetimeSeconds,
    connectionTimeoutMillis: 10_000,
    application_name: `lms-${opts.service}`,
  };
  if (opts.url) {
    return wrap(new pg.Pool({ ...poolConfig, connectionString: opts.url }), "postgres", opts.log, async () => {});
  }
  const dir = join(opts.dataDir, opts.service);
  const say = (line: string) => opts.log.info(line);
  const embedded = await startEmbeddedPostgres({ dataDir: dir, port: LONE_SOCKET_PORT, listen: false, say });
  const pool = new pg.Pool({ ...poolConfig, ...embedded.adminConnection() });
  return wrap(pool, `embedded (${dir})`, opts.log, () => embedded.stop());
}

function wrap(pool: pg.Pool, kind: string, log: Logger, closeServer: () => Promise<void>): Database {
  // An idle client that loses its server emits 'error' on the pool; without a listener it would crash the process.
  pool.on("error", (err) => log.warn({ err }, "idle database connection failed"));
  return {
    pool,
    kind,
    async ping() {
      await pool.query("select 1");
    },
    async close() {
      await pool.end();
      await closeServer();
    },
  };
}
