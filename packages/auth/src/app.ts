import { AuthService } from "@lms/gen/library/auth/v1/auth_pb";
import { bindService, bootstrapService, createServiceApp, createTokenVerifier, type Database, type Logger } from "@lms/platform";
import type { AuthConfig } from "./config.js";
import { createPasswordHasher, type PasswordHasher } from "./domain/password-hasher.js";
import { type BoundedHasher, createBoundedHasher } from "./domain/password-queue.js";
import { registerHashingMetrics } from "./domain/password-queue.metrics.js";
import type { SessionDeps } from "./domain/session.service.js";
import { loadSigningKeys } from "./domain/signing-keys.js";
import { ensureAdmin } from "./domain/user.service.js";
import { authLocations, createAuthRpc } from "./rpc/auth.rpc.js";

/** Parts a test may replace. */
export interface AuthOverrides {
  db?: Database;
  log?: Logger;
  /** The argon2 hasher; the app still bounds it with its queue (ARGON2_CONCURRENCY, ARGON2_QUEUE_MAX). */
  passwords?: PasswordHasher;
}

/**
 * Builds the auth service: database migrated, signing keys loaded (or created once for all
 * replicas), first admin ensured, both faces wired plus the JWKS route. It verifies its own
 * tokens locally; it listens only on `start`.
 */
export async function buildAuthApp(config: AuthConfig, overrides: AuthOverrides = {}, warnings: string[] = []) {
  const basics = await bootstrapService("auth", config, overrides, warnings);
  const passwords = await createHasher(config, overrides.passwords);
  registerHashingMetrics(basics.metrics.registry, passwords);
  const deps = await createSessionDeps(basics.db, config, passwords);
  if (await ensureAdmin(basics.db.pool, deps.passwords, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD })) {
    basics.log.info({ email: config.ADMIN_EMAIL }, "first admin created");
  }
  return createServiceApp(
    {
      name: "auth",
      implementations: [bindService(AuthService, createAuthRpc(basics.db.pool, deps))],
      createdLocations: authLocations,
      swagger: basics.swagger,
      extraRoutes: (app) =>
        app.get("/.well-known/jwks.json", { config: { rpc: "jwks" } }, async (_req, reply) =>
          reply.header("cache-control", "public, max-age=300").send(deps.keys.jwks()),
        ),
    },
    basics,
    config,
    createTokenVerifier(deps.keys.getKey, config.JWT_ISSUER, config.JWT_AUDIENCE),
  );
}

async function createHasher(config: AuthConfig, given?: PasswordHasher): Promise<BoundedHasher> {
  const argon2 =
    given ??
    (await createPasswordHasher({
      memoryCost: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_TIME_COST,
      parallelism: config.ARGON2_PARALLELISM,
    }));
  return createBoundedHasher(argon2, { concurrency: config.ARGON2_CONCURRENCY, maxQueued: config.ARGON2_QUEUE_MAX });
}

async function createSessionDeps(db: Database, config: AuthConfig, passwords: PasswordHasher): Promise<SessionDeps> {
  return {
    keys: await loadSigningKeys(db.pool),
    passwords,
    access: { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL },
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL,
    limits: {
      maxFailures: config.LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: config.LOGIN_WINDOW_SECONDS,
    },
  };
}
