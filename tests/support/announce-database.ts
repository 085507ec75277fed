import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { grantDatabase } from "@lms/platform/db/embedded-databases";
import { startEmbeddedPostgres } from "@lms/platform/db/embedded-postgres";
import { TEST_SERVER_URL, testServerAnswers } from "@lms/platform/testing/test-database";
import { freePort } from "../e2e/support/ports.js";

/**
 * Says first which PostgreSQL the run uses (DESIGN.md §1 `make test`): the server at
 * TEST_DATABASE_URL when it answers, else one embedded PostgreSQL started here for the whole run
 * and handed to the test workers as TEST_DATABASE_URL (forked workers inherit this environment).
 */
export default async function announceDatabase(): Promise<(() => Promise<void>) | undefined> {
  const host = new URL(TEST_SERVER_URL).host;
  if (await testServerAnswers()) {
    process.stdout.write(`\n[make test] integration suites use the PostgreSQL server at ${host}\n`);
    return undefined;
  }
  process.stdout.write(
    `\n[make test] no PostgreSQL server answers at ${host}: integration suites use an embedded PostgreSQL started for this run\n`,
  );
  const dir = await mkdtemp(join(tmpdir(), "lms-test-pg-"));
  await chmod(dir, 0o755); // run as root, the server runs as `postgres` and must reach its data directory
  const say = (line: string) => process.stdout.write(`[make test] ${line}\n`);
  // Two workers, each with whole stacks of services and their pools, may hold more than 100 connections.
  const settings = { max_connections: "300" };
  const server = await startEmbeddedPostgres({ dataDir: join(dir, "postgres"), port: await freePort(), listen: true, say, settings });
  process.env.TEST_DATABASE_URL = await grantDatabase(server, { role: "postgres", database: "postgres" });
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
