import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import {
  bootstrapService,
  createJwksVerifier,
  createServiceHost,
  type Database,
  type Logger,
  migrationsDirOf,
  swaggerFileOf,
  type TokenVerifier,
} from "@lms/platform";
import type { CategoryConfig } from "./config.js";
import { categoryAccess, createCategoryRpc } from "./rpc/category.rpc.js";

/** Parts a test may replace. */
export interface CategoryOverrides {
  db?: Database;
  log?: Logger;
  verifier?: TokenVerifier;
}

/** Builds the category service (database migrated, both faces wired); it listens only on `start`. */
export async function buildCategoryApp(config: CategoryConfig, overrides: CategoryOverrides = {}, warnings: string[] = []) {
  const basics = await bootstrapService(
    "category",
    config,
    { migrations: migrationsDirOf("category"), swagger: swaggerFileOf("category") },
    overrides,
    warnings,
  );
  const verifier = overrides.verifier ?? createJwksVerifier(config.AUTH_JWKS_URL, config.JWT_ISSUER, config.JWT_AUDIENCE);
  const host = await createServiceHost(
    {
      name: "category",
      services: [CategoryService],
      register: (router) => router.service(CategoryService, createCategoryRpc(basics.db.pool)),
      access: { [CategoryService.typeName]: categoryAccess },
      swagger: basics.swagger,
    },
    {
      ...basics,
      verifier,
      serverKey: config.SERVER_KEY,
      bodyLimit: config.BODY_LIMIT_BYTES,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    },
  );
  return {
    log: basics.log,
    db: basics.db,
    transport: host.transport,
    start: () => host.start(config.HTTP_PORT, config.GRPC_PORT, config.HOST),
    stop: () => host.stop(),
  };
}
