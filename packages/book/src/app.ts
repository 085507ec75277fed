import { BookService } from "@lms/gen/library/book/v1/book_pb";
import {
  bindService,
  bootstrapService,
  createJwksVerifier,
  createServiceApp,
  type Database,
  type Logger,
  type TokenVerifier,
} from "@lms/platform";
import { createAuthorDirectoryClient } from "./clients/author.client.js";
import { type CachedCategoryDirectory, createCachedCategoryDirectory } from "./clients/cached-category.client.js";
import { createCategoryDirectoryClient } from "./clients/category.client.js";
import type { BookConfig } from "./config.js";
import { createLinkReconciler, type ReconcilerTiming } from "./domain/link-reconciler.js";
import type { AuthorDirectory, CategoryDirectory } from "./domain/ports.js";
import { bookAccess, bookLocations, createBookRpc } from "./rpc/book.rpc.js";

/** Parts a test may replace. */
export interface BookOverrides {
  db?: Database;
  log?: Logger;
  verifier?: TokenVerifier;
  authors?: AuthorDirectory;
  categories?: CategoryDirectory;
  /** When the link reconciler runs (specs shorten it). */
  reconcilerTiming?: ReconcilerTiming;
}

/** Builds the book service (database migrated, both faces wired); it listens only on `start`. */
export async function buildBookApp(config: BookConfig, overrides: BookOverrides = {}, warnings: string[] = []) {
  const basics = await bootstrapService("book", config, overrides, warnings);
  const peer = { serverKey: config.SERVER_KEY, timeoutMs: config.RPC_TIMEOUT_MS };
  const authors = overrides.authors ?? createAuthorDirectoryClient({ ...peer, address: config.AUTHOR_GRPC_ADDR });
  const cached = overrides.categories ? undefined : cachedCategories(config, peer, basics);
  const categories = overrides.categories ?? (cached as CategoryDirectory);
  const verifier = overrides.verifier ?? createJwksVerifier(config.AUTH_JWKS_URL, config.JWT_ISSUER, config.JWT_AUDIENCE);
  const reconciler = createLinkReconciler(basics.db.pool, categories, basics.log, overrides.reconcilerTiming);
  const deps = {
    authors,
    categories,
    log: basics.log,
    repairSoon: reconciler.repairSoon,
    rules: { maxActiveLoans: config.MAX_ACTIVE_LOANS, loanDays: config.LOAN_DAYS },
    recommendationCandidates: config.RECOMMENDATION_CANDIDATES,
  };
  const app = await createServiceApp(
    {
      name: "book",
      implementations: [bindService(BookService, createBookRpc(basics.db.pool, deps))],
      access: { [BookService.typeName]: bookAccess },
      createdLocations: bookLocations,
      swagger: basics.swagger,
      onDrain: () => {
        reconciler.stop();
        cached?.close();
      },
    },
    basics,
    config,
    verifier,
  );
  reconciler.start();
  return Object.assign(app, { reconciler });
}

/** The category service behind a cache of books' category ids, kept current by its change feed. */
function cachedCategories(
  config: BookConfig,
  peer: { serverKey: string; timeoutMs: number },
  { log }: { log: Logger },
): CachedCategoryDirectory {
  const client = createCategoryDirectoryClient({ ...peer, address: config.CATEGORY_GRPC_ADDR });
  return createCachedCategoryDirectory(client, client.watchLinks, {
    maxEntries: config.CATEGORY_CACHE_SIZE,
    log,
    listLinks: client.listLinks,
  });
}
