import type { ServiceImpl } from "@connectrpc/connect";
import { BookService } from "@lms/gen/library/book/v1/book_pb";
import {
  bindService,
  bootstrapService,
  createIdempotencyPurge,
  createJwksVerifier,
  createServiceApp,
  type Database,
  type Logger,
  type TokenVerifier,
} from "@lms/platform";
import { type CategoryReplica, createCategoryReplica } from "./category-replica/category-replica.js";
import { createPatronDirectoryClient } from "./clients/auth.client.js";
import { createAuthorDirectoryClient } from "./clients/author.client.js";
import { createCategoryClient } from "./clients/category.client.js";
import type { BookConfig } from "./config.js";
import { createLinkReconciler, type ReconcilerTiming } from "./domain/link-reconciler.js";
import { createLoanPolicies } from "./domain/loan-policies.js";
import { createPatronLookup } from "./domain/patron-cache.js";
import type { AuthorDirectory, CategoryDirectory, PatronDirectory } from "./domain/ports.js";
import { bookLocations, createBookRpc } from "./rpc/book.rpc.js";
import { createCopyRpc } from "./rpc/copy.rpc.js";
import { createDeskRpc } from "./rpc/desk.rpc.js";
import { createRenewalRpc } from "./rpc/renewal.rpc.js";

/** Parts a test may replace. */
export interface BookOverrides {
  db?: Database;
  log?: Logger;
  verifier?: TokenVerifier;
  authors?: AuthorDirectory;
  categories?: CategoryDirectory;
  /** The auth service's users (patron groups, card numbers). */
  patrons?: PatronDirectory;
  /** When the link reconciler runs (specs shorten it). */
  reconcilerTiming?: ReconcilerTiming;
}

/** Builds the book service (database migrated, both faces wired); it listens only on `start`. */
export async function buildBookApp(config: BookConfig, overrides: BookOverrides = {}, warnings: string[] = []) {
  const basics = await bootstrapService("book", config, overrides, warnings);
  const peer = { serverKey: config.SERVER_KEY, timeoutMs: config.RPC_TIMEOUT_MS };
  const authors = overrides.authors ?? createAuthorDirectoryClient({ ...peer, address: config.AUTHOR_GRPC_ADDR });
  const patrons = overrides.patrons ?? createPatronDirectoryClient({ ...peer, address: config.AUTH_GRPC_ADDR });
  const replica = overrides.categories ? undefined : categoryReplica(config, peer, basics);
  const categories = overrides.categories ?? (replica as CategoryDirectory);
  const verifier = overrides.verifier ?? createJwksVerifier(config.AUTH_JWKS_URL, config.JWT_ISSUER, config.JWT_AUDIENCE);
  const reconciler = createLinkReconciler(basics.db.pool, categories, basics.log, overrides.reconcilerTiming);
  const rules = { maxActiveLoans: config.MAX_ACTIVE_LOANS, loanDays: config.LOAN_DAYS };
  const policies = await createLoanPolicies(basics.db.pool, rules, basics.log);
  const idempotencyPurge = createIdempotencyPurge(basics.db.pool, basics.log);
  const deps = {
    authors,
    categories,
    patrons: createPatronLookup(patrons, config.PATRON_CACHE_SECONDS * 1000),
    lending: { policies: policies.cache, overdueBlockDays: config.OVERDUE_BLOCK_DAYS },
    log: basics.log,
    repairSoon: reconciler.repairSoon,
    rules,
    policies: policies.cache,
    recommendationCandidates: config.RECOMMENDATION_CANDIDATES,
  };
  // Typed as the whole service, so a method left out of every part does not compile.
  const impl: ServiceImpl<typeof BookService> = {
    ...createBookRpc(basics.db.pool, deps),
    ...createCopyRpc(basics.db.pool, deps),
    ...createDeskRpc(basics.db.pool, deps),
    ...createRenewalRpc(basics.db.pool, deps),
  };
  const app = await createServiceApp(
    {
      name: "book",
      implementations: [bindService(BookService, impl)],
      createdLocations: bookLocations,
      swagger: basics.swagger,
      onDrain: () => {
        reconciler.stop();
        replica?.close();
      },
      onStop: async () => {
        await idempotencyPurge.stop();
        await policies.close();
      },
    },
    basics,
    config,
    verifier,
  );
  reconciler.start();
  replica?.start();
  await policies.start();
  idempotencyPurge.start();
  return Object.assign(app, { reconciler, replica, patrons, policies: policies.cache, idempotencyPurge });
}

/** The category service's links, replicated here and kept in step with its change log. */
function categoryReplica(config: BookConfig, peer: { serverKey: string; timeoutMs: number }, { log }: { log: Logger }): CategoryReplica {
  const client = createCategoryClient({ ...peer, address: config.CATEGORY_GRPC_ADDR });
  return createCategoryReplica({ source: client, owner: client, log });
}
