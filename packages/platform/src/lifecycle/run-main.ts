import { ConfigError } from "../config/config.js";

/** A started service as `runMain` sees it. */
export interface StartableApp {
  start(): Promise<{ httpPort: number; grpcPort: number }>;
  stop(): Promise<void>;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * The whole life of a service process: build, listen, print the URLs, and on SIGTERM/SIGINT
 * stop accepting, drain in-flight requests, close pools and exit 0. A bad configuration exits 1
 * with every problem listed.
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
    throw err;
  }
  const { httpPort, grpcPort } = await app.start();
  app.log.info({ http: `http://127.0.0.1:${httpPort}/`, grpc: `127.0.0.1:${grpcPort}` }, `${name} service listening`);
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
