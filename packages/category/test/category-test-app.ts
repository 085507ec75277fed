import { createClient } from "@connectrpc/connect";
import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import { type RestResult, rest } from "@lms/platform/testing/rest-client";
import { createTestDatabase, type TestDatabase, testServiceEnv } from "@lms/platform/testing/test-database";
import { createTestIssuer } from "@lms/platform/testing/test-tokens";
import { buildCategoryApp } from "../src/app.js";
import { loadCategoryConfig } from "../src/config.js";

/** A REST body as the specs read it. */
export type Body = Record<string, unknown> & { code?: number; message?: string; details?: Record<string, unknown>[] };

export const SERVER_KEY = "category-test-key";

/** Call options of a peer service's call: the server key in the metadata. */
export const WITH_SERVER_KEY = { headers: { "x-server-key": SERVER_KEY } };

/** The category service on a fresh database, started on port 0, with tokens of each role. */
export interface CategoryTestApp {
  app: Awaited<ReturnType<typeof buildCategoryApp>>;
  base: string;
  /** The gRPC port's URL (h2c), for calls that must cross a real connection. */
  grpcBase: string;
  database: TestDatabase;
  librarian: string;
  member: string;
  /** A typed in-process client of every method (gRPC-only ones too); pass {@link WITH_SERVER_KEY}. */
  grpc: ReturnType<typeof createClient<typeof CategoryService>>;
  /** `method path` over REST, as a librarian unless `token` says otherwise ("" = anonymous). */
  call(method: string, path: string, body?: unknown, token?: string): Promise<RestResult<Body>>;
  stop(): Promise<void>;
}

/**
 * Builds and starts the service on a new database, or as one more replica on `shared` (left
 * in place at stop); `env` adds or overrides variables.
 */
export async function startCategoryTestApp(env: Record<string, string> = {}, shared?: TestDatabase): Promise<CategoryTestApp> {
  const database: TestDatabase = shared ?? (await createTestDatabase("category_it"));
  const issuer = await createTestIssuer();
  const { config } = loadCategoryConfig(
    testServiceEnv(database.url, {
      SERVER_KEY,
      ...env,
    }),
  );
  const app = await buildCategoryApp(config, { verifier: issuer.verifier });
  const ports = await app.start();
  const base = `http://127.0.0.1:${ports.httpPort}`;
  const librarian = await issuer.token("ROLE_LIBRARIAN");
  return {
    app,
    base,
    grpcBase: `http://127.0.0.1:${ports.grpcPort}`,
    database,
    librarian,
    member: await issuer.token("ROLE_MEMBER"),
    grpc: createClient(CategoryService, app.transport),
    call: (method, path, body, token = librarian) => rest<Body>(base, method, path, { body, token }),
    async stop() {
      await app.stop();
      if (!shared) await database.drop();
    },
  };
}
