import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { answers200 } from "@lms/cli/service-process";
import { REPO_ROOT } from "@lms/platform";
import { freePort } from "../tests/e2e/support/ports.js";
import { spawnLogged } from "./process.js";
import { SERVICES } from "./stack.js";

/** How long `make run` took from a fresh DATA_DIR to four ready services, and how long it took to stop. */
export interface ColdStart {
  readySeconds: number;
  stopSeconds: number;
  exitCode: number | null;
}

/**
 * Spawns the `make run` launcher (packages/cli/src/run-all.ts) with an empty DATA_DIR, so
 * the launcher initialises its one embedded PostgreSQL server and creates every service's
 * database from nothing, on free non-default ports; times it until all four /readyz answer 200, then sends SIGINT (Ctrl-C) and waits for
 * it to exit. `make install` is not part of the figure (node_modules already exists).
 */
export async function measureColdStart(logDir: string): Promise<ColdStart> {
  const dataDir = await mkdtemp(join(tmpdir(), "lms-bench-coldstart-"));
  await chmod(dataDir, 0o755); // run as root, the server runs as `postgres` and must reach its data directory
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
    NODE_ENV: "development",
    EMBEDDED_PG_PORT: String(await freePort()),
  };
  const readyUrls: string[] = [];
  for (const s of SERVICES) {
    const http = await freePort();
    env[`${s.toUpperCase()}_HTTP_PORT`] = String(http);
    env[`${s.toUpperCase()}_GRPC_PORT`] = String(await freePort());
    // A service URL from the caller's shell would bypass the embedded database being measured.
    env[`${s.toUpperCase()}_DATABASE_URL`] = "";
    readyUrls.push(`http://127.0.0.1:${http}/readyz`);
  }
  env.DATABASE_URL = "";
  // make run starts the web origin too: on a free port, never a busy 8080. Not awaited: the figure
  // stays the services' cold start (the origin is ready a moment after them, or after the app's build).
  env.WEB_HTTP_PORT = String(await freePort());
  const start = performance.now();
  const launcher = spawnLogged({
    name: "make run",
    entry: join(REPO_ROOT, "packages", "cli", "src", "run-all.ts"),
    env,
    logFile: join(logDir, "cold-start.log"),
  });
  try {
    const deadline = start + 300_000;
    while (!(await allAnswer(readyUrls))) {
      if (!launcher.running) throw new Error(`make run exited before its services were ready:\n${launcher.output()}`);
      if (performance.now() > deadline) throw new Error(`make run not ready after 300 s:\n${launcher.output()}`);
      await sleep(100);
    }
    const readySeconds = (performance.now() - start) / 1000;
    const stopStart = performance.now();
    const { code: exitCode } = await launcher.stop({ signal: "SIGINT" });
    return { readySeconds, stopSeconds: (performance.now() - stopStart) / 1000, exitCode };
  } finally {
    await launcher.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function allAnswer(urls: readonly string[]): Promise<boolean> {
  const results = await Promise.all(urls.map(answers200));
  return results.every(Boolean);
}
