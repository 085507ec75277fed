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
import { createLinkFeed, type ListenToLinks } from "./domain/link-feed.js";
import { categoryAccess, categoryLocations, createCategoryRpc } from "./rpc/category.rpc.js";
import { listenToLinkChanges } from "./store/link-channel.js";

/** Parts a test may replace. */
export interface CategoryOverrides {
  db?: Database;
  log?: Logger;
  verifier?: TokenVerifier;
}

/** Builds the category service (database migrated, both faces wired); it listens only on `start`. */
export async function buildCategoryApp(config: CategoryConfig, overrides: CategoryOverrides = {}, warnings: string[] = []) {
  const basics = await bootstrapService("category", config, overrides, warnings);
  const verifier = overrides.verifier ?? createJwksVerifier(config.AUTH_JWKS_URL, config.JWT_ISSUER, config.JWT_AUDIENCE);
  const feed = createLinkFeed({ listen: linkListenerOf(basics.db), log: basics.log });
  await feed.start();
  return createServiceApp(
    {
      name: "category",
      implementations: [bindService(CategoryService, createCategoryRpc(basics.db.pool, feed))],
      access: { [CategoryService.typeName]: categoryAccess },
      createdLocations: categoryLocations,
      swagger: basics.swagger,
      onDrain: () => feed.endWatches(),
      onStop: () => feed.close(),
    },
    basics,
    config,
    verifier,
  );
}

/** Where other replicas' link changes come from: a LISTEN connection beside the pool (embedded server included). */
function linkListenerOf(db: Database): ListenToLinks | undefined {
  const config = { ...db.pool.options, application_name: "lms-category-link-feed" };
  return (handlers) => listenToLinkChanges(config, handlers);
}
