import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Where the test suite's throwaway databases live (DESIGN.md §1 `make test`): TEST_DATABASE_URL,
 * which the run's global setup sets to an embedded server when the configured one does not answer.
 */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** True when the PostgreSQL server at TEST_DATABASE_URL answers. */
export async function testServerAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database made for one suite on the test server. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh, empty database named `<prefix>_<random>` on the test server: the one at
 * TEST_DATABASE_URL, or the embedded one the run's global setup started when none answered
 * (tests/support/announce-database.ts points TEST_DATABASE_URL at it).
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The environment of a service under test: its database `url`, ports chosen by the OS on
 * loopback, and no log output; `extra` adds or overrides.
 */
export function testServiceEnv(url: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { DATABASE_URL: url, HTTP_PORT: "0", GRPC_PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...extra };
}
