import { TEST_SERVER_URL, testServerAnswers } from "@lms/platform/testing/test-database";

/** Says once, before any suite, which PostgreSQL the run uses (DESIGN.md §1 `make test`). */
export default async function announceDatabase(): Promise<void> {
  const server = await testServerAnswers();
  const where = server ? `PostgreSQL server at ${new URL(TEST_SERVER_URL).host}` : "embedded PostgreSQL (PGlite): no server answered";
  process.stdout.write(`\n[make test] integration suites use the ${where}\n`);
  if (!server) process.stdout.write("[make test] suites that need several real connections (concurrency, e2e) are skipped and say so\n");
}
