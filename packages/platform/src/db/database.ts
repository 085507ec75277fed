import { join } from "node:path";
import pg from "pg";
import type { Logger } from "../observability/logger.js";
import { errorLogFields } from "./database-unavailable.js";
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
  /**
   * DB_QUERY_TIMEOUT_MS: the server cancels a statement running longer (57014), and the client
   * gives up on a server that does not answer at all 500 ms later. Unset = no limit (migrate CLI).
   */
  queryTimeoutMs?: number;
  /** DB_CONNECT_TIMEOUT_MS: longest wait for a pool connection (a free one or a new one). Default 10 s. */
  connectTimeoutMs?: number;
}

/** How much longer than the server's statement_timeout the client waits before it calls the server silent. */
const CLIENT_TIMEOUT_MARGIN_MS = 500;

/** A service's database: a `pg` pool on a real server, or on the embedded PostgreSQL. */
export interface Database {
  pool: pg.Pool;
  /** "postgres" or "embedded (<dir>)", for logs and start-up messages. */
  kind: string;
  /** Answers when the database does, and rejects after `timeoutMs` when it does not (for /readyz and the gRPC health check). */
  ping(timeoutMs?: number): Promise<void>;
  /**
   * Runs `work` on a pool of one connection to the same database without the statement and
   * query timeouts: migrations may run long, or wait for another replica's migration lock.
   */
  withoutTimeouts<T>(work: (pool: pg.Pool) => Promise<T>): Promise<T>;
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
  const { queryTimeoutMs, connectTimeoutMs = 10_000 } = opts.pool;
  const poolConfig: pg.PoolConfig = {
    max: opts.pool.maxOpen,
    min: Math.min(opts.pool.maxIdle, opts.pool.maxOpen),
    idleTimeoutMillis: 10_000,
    maxLifetimeSeconds: opts.pool.maxLifetimeSeconds,
    application_name: `lms-${opts.service}`,
  };
  const limits: pg.PoolConfig = {
    connectionTimeoutMillis: connectTimeoutMs,
    ...(queryTimeoutMs ? { statement_timeout: queryTimeoutMs, query_timeout: queryTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS } : {}),
  };
  if (opts.url) {
    return wrap({ ...poolConfig, connectionString: opts.url }, limits, "postgres", opts.log, async () => {});
  }
  const dir = join(opts.dataDir, opts.service);
  const say = (line: string) => opts.log.info(line);
  const embedded = await startEmbeddedPostgres({ dataDir: dir, port: LONE_SOCKET_PORT, listen: false, say });
  return wrap({ ...poolConfig, ...embedded.adminConnection() }, limits, `embedded (${dir})`, opts.log, () => embedded.stop());
}

function wrap(config: pg.PoolConfig, limits: pg.PoolConfig, kind: string, log: Logger, closeServer: () => Promise<void>): Database {
  const pool = new pg.Pool({ ...config, ...limits });
  // An idle client that loses its server emits 'error' on the pool; without a listener it would crash the process.
  // One short line: during an outage every idle connection fails at once, and a stack each says nothing more.
  pool.on("error", (err) => log.warn(errorLogFields(err), "idle database connection failed"));
  return {
    pool,
    kind,
    async ping(timeoutMs) {
      const query = pool.query("select 1");
      if (timeoutMs === undefined) return void (await query);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from the database within ${timeoutMs} ms`)), timeoutMs);
      });
      query.catch(() => undefined); // it may still fail after the timeout won
      try {
        await Promise.race([query, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async withoutTimeouts(work) {
      const single = new pg.Pool({ ...config, max: 1, min: 0, connectionTimeoutMillis: limits.connectionTimeoutMillis });
      single.on("error", () => undefined); // its only client is in use or ended: failures reach `work`
      try {
        return await work(single);
      } finally {
        await single.end();
      }
    },
    async close() {
      await pool.end();
      await closeServer();
    },
  };
}
