import { rest } from "@lms/platform/testing/rest-client";
import { createTestDatabase, type TestDatabase, testServiceEnv } from "@lms/platform/testing/test-database";
import { type AuthOverrides, buildAuthApp } from "../src/app.js";
import { loadAuthConfig } from "../src/config.js";

/** A REST body as the specs read it. */
export type Body = Record<string, unknown> & { code?: number; message?: string; details?: Record<string, unknown>[] };

export const ADMIN = { email: "root@library.test", password: "admin-secret-123" };

export type AuthApp = Awaited<ReturnType<typeof buildAuthApp>>;

/**
 * Builds (not starts) the auth service on `databaseUrl` with cheap argon2 and test ports. Every
 * spec calls from 127.0.0.1, so the per-address login limit is lifted unless `env` sets it.
 */
export async function buildTestAuthApp(
  databaseUrl: string,
  env: Record<string, string> = {},
  overrides: AuthOverrides = {},
): Promise<AuthApp> {
  const { config } = loadAuthConfig(
    testServiceEnv(databaseUrl, {
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ARGON2_MEMORY_KIB: "4096",
      ARGON2_TIME_COST: "1",
      LOGIN_MAX_FAILURES_PER_IP: "100000",
      ...env,
    }),
  );
  return buildAuthApp(config, overrides);
}

/** Starts `app` and returns its REST base URL. */
export async function baseUrlOf(app: AuthApp): Promise<string> {
  return `http://127.0.0.1:${(await app.start()).httpPort}`;
}

/** The auth service started on a fresh database of its own, as most suites use it. */
export interface AuthSuite {
  database: TestDatabase;
  app: AuthApp;
  /** REST base URL. */
  base: string;
}

/** Creates a fresh database and starts the auth service on it (`env`, `overrides` as for {@link buildTestAuthApp}). */
export async function startAuthSuite(env: Record<string, string> = {}, overrides: AuthOverrides = {}): Promise<AuthSuite> {
  const database = await createTestDatabase("auth_it");
  const app = await buildTestAuthApp(database.url, env, overrides);
  return { database, app, base: await baseUrlOf(app) };
}

/** Stops a suite's service and drops its database; safe after a start that failed half-way. */
export async function stopAuthSuite(suite: { app?: AuthApp; database?: TestDatabase }): Promise<void> {
  await suite.app?.stop();
  await suite.database?.drop();
}

/** POST /api/v1/auth/<path> with a JSON body. */
export function post(base: string, path: string, body: unknown, token?: string) {
  return rest<Body>(base, "POST", `/api/v1/auth/${path}`, { body, token });
}

/** Registers and logs in a new member; returns its id and token pair. */
export async function newMember(base: string, email: string, password = "member-pass-1") {
  const reg = await post(base, "register", { email, password, name: "Member" });
  if (reg.status !== 201) throw new Error(`register ${email}: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await post(base, "login", { email, password });
  const user = reg.body.user as Body;
  return { id: String(user.id), accessToken: String(login.body.accessToken), refreshToken: String(login.body.refreshToken) };
}
