import { randomBytes } from "node:crypto";
import pg from "pg";

/** Where the test suite's throwaway databases live (DESIGN.md §1 `make test`). */
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

/**
 * The backends an integration suite runs on: the real server and the embedded one, or only the
 * embedded one (with a note) when no server answers, so `make test` works on a bare machine.
 */
export async function testDatabaseKinds(): Promise<("postgres" | "embedded")[]> {
  if (await testServerAnswers()) return ["postgres", "embedded"];
  console.warn("[integration] no PostgreSQL server at TEST_DATABASE_URL: running on the embedded one only");
  return ["embedded"];
}

/** A database made for one suite: `url` for a real server, undefined for the embedded one. */
export interface TestDatabase {
  url: string | undefined;
  /** "postgres" or "embedded". */
  kind: "postgres" | "embedded";
  drop(): Promise<void>;
}

/**
 * Creates a fresh, empty database named `<prefix>_<random>` on the test server, or — when the
 * server does not answer, or `kind` asks for it — stands for an embedded (PGlite, in-memory) one.
 */
export async function createTestDatabase(prefix: string, kind?: "postgres" | "embedded"): Promise<TestDatabase> {
  const useServer = kind === "postgres" || (kind === undefined && (await testServerAnswers()));
  if (!useServer) return { url: undefined, kind: "embedded", drop: async () => {} };
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), kind: "postgres", drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
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
 * The environment of a service under test: its database (`url`, or in-memory embedded when
 * undefined), ports chosen by the OS on loopback, and no log output; `extra` adds or overrides.
 */
export function testServiceEnv(url: string | undefined, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { DATABASE_URL: url, DATA_DIR: "memory://", HTTP_PORT: "0", GRPC_PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...extra };
}
