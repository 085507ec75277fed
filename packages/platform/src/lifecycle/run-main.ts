import { ConfigError } from "../config/config.js";
import { databaseUnavailableCause } from "../db/database-unavailable.js";
import { PortInUseError } from "./port-in-use.js";

/** A started service as `runMain` sees it. */
export interface StartableApp {
  start(): Promise<{ httpPort: number; grpcPort: number }>;
  stop(): Promise<void>;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * The whole life of a service process: build, listen, print the URLs, and on SIGTERM/SIGINT
 * stop accepting, drain in-flight requests, close pools and exit 0. A bad configuration exits 1
 * with every problem listed; a database that does not answer at start exits 1 with one line
 * saying so (no stack: it is not a bug); a port held by another program exits 1 with one line
 * naming the port and, when /proc shows it, the process holding it.
 */
export async function runMain(name: string, build: () => Promise<StartableApp>): Promise<void> {
  let app: StartableApp;
  try {
    app = await build();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(1);
    }
    const dbCause = databaseUnavailableCause(err);
    if (dbCause !== undefined) {
      process.stderr.write(
        `${name}: cannot start: the database does not answer (${dbCause}); check DATABASE_URL and that PostgreSQL runs\n`,
      );
      process.exit(1);
    }
    throw err;
  }
  let ports: { httpPort: number; grpcPort: number };
  try {
    ports = await app.start();
  } catch (err) {
    // Another program holds a port: one line that names it, not a stack.
    if (err instanceof PortInUseError) {
      process.stderr.write(`${name}: cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { httpPort, grpcPort } = ports;
  // grpcPort 0: a process with no gRPC face (the web origin).
  app.log.info(
    { http: `http://127.0.0.1:${httpPort}/`, grpc: grpcPort ? `127.0.0.1:${grpcPort}` : undefined },
    `${name} service listening`,
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, `${name} service stopping`);
    try {
      await app.stop();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, "unclean stop");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
