import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
import {
  bindService,
  bootstrapService,
  createJwksVerifier,
  createServiceApp,
  type Database,
  type Logger,
  type TokenVerifier,
} from "@lms/platform";
import { createBookCatalogClient } from "./clients/book.client.js";
import type { AuthorConfig } from "./config.js";
import type { BookCatalog } from "./domain/author.service.js";
import { authorLocations, createAuthorRpc } from "./rpc/author.rpc.js";

/** Parts a test may replace. */
export interface AuthorOverrides {
  db?: Database;
  log?: Logger;
  verifier?: TokenVerifier;
  books?: BookCatalog;
}

/** Builds the author service (database migrated, both faces wired); it listens only on `start`. */
export async function buildAuthorApp(config: AuthorConfig, overrides: AuthorOverrides = {}, warnings: string[] = []) {
  const basics = await bootstrapService("author", config, overrides, warnings);
  const books =
    overrides.books ??
    createBookCatalogClient({ address: config.BOOK_GRPC_ADDR, serverKey: config.SERVER_KEY, timeoutMs: config.RPC_TIMEOUT_MS });
  const verifier = overrides.verifier ?? createJwksVerifier(config.AUTH_JWKS_URL, config.JWT_ISSUER, config.JWT_AUDIENCE);
  return createServiceApp(
    {
      name: "author",
      implementations: [bindService(AuthorService, createAuthorRpc(basics.db.pool, books))],
      createdLocations: authorLocations,
      swagger: basics.swagger,
    },
    basics,
    config,
    verifier,
  );
}
