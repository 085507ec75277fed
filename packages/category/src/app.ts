import { CategoryService } from "@lms/gen/library/category/v1/category_pb";
import {
  bindService,
  bootstrapService,
  createJwksVerifier,
  createServiceApp,
  type Database,
  type Logger,
  type TokenVerifier,
} from "@lms/platform";
import type { CategoryConfig } from "./config.js";
import { createLinkLog, type LinkLogTiming } from "./domain/link-log.js";
import { categoryLocations, createCategoryRpc } from "./rpc/category.rpc.js";

/** Parts a test may replace. */
export interface CategoryOverrides {
  db?: Database;
  log?: Logger;
  verifier?: TokenVerifier;
  /** How the link change log polls, waits and prunes (specs shorten it). */
  linkLogTiming?: Partial<LinkLogTiming>;
}

/** Builds the category service (database migrated, both faces wired); it listens only on `start`. */
export async function buildCategoryApp(config: CategoryConfig, overrides: CategoryOverrides = {}, warnings: string[] = []) {
  const basics = await bootstrapService("category", config, overrides, warnings);
  const verifier = overrides.verifier ?? createJwksVerifier(config.AUTH_JWKS_URL, config.JWT_ISSUER, config.JWT_AUDIENCE);
  const links = createLinkLog(basics.db.pool, basics.log, overrides.linkLogTiming);
  links.start();
  return createServiceApp(
    {
      name: "category",
      implementations: [bindService(CategoryService, createCategoryRpc(basics.db.pool, links))],
      createdLocations: categoryLocations,
      swagger: basics.swagger,
      onDrain: () => links.endWatches(),
      onStop: async () => links.close(),
    },
    basics,
    config,
    verifier,
  );
}
