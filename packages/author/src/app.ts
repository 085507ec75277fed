import { AuthorService } from "@lms/gen/library/author/v1/author_pb";
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
import { createBookCatalogClient } from "./clients/book.client.js";
import type { AuthorConfig } from "./config.js";
import type { BookCatalog } from "./domain/author.service.js";
import { authorAccess, createAuthorRpc } from "./rpc/author.rpc.js";

/** Parts a test may replace. */
export interface AuthorOverrides {
  db?: Database;
  log?: Logger;
  verifier?: TokenVerifier;
  books?: BookCatalog;
}

/** Builds the author service (database migrated, both faces wired); it listens only on `start`. */
export async function buildAuthorApp(config: AuthorConfig, overrides: AuthorOverrides = {}, warnings: string[] = []) {
  const basics = await bootstrapService(
    "author",
    config,
    { migrations: migrationsDirOf("author"), swagger: swaggerFileOf("author") },
    overrides,
    warnings,
  );
  const books =
    overrides.books ??
    createBookCatalogClient({ address: config.BOOK_GRPC_ADDR, serverKey: config.SERVER_KEY, timeoutMs: config.RPC_TIMEOUT_MS });
  const verifier = overrides.verifier ?? createJwksVerifier(config.AUTH_JWKS_URL, config.JWT_ISSUER, config.JWT_AUDIENCE);
  const host = await createServiceHost(
    {
      name: "author",
      services: [AuthorService],
      register: (router) => router.service(AuthorService, createAuthorRpc(basics.db.pool, books)),
      access: { [AuthorService.typeName]: authorAccess },
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
