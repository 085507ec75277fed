import { availableParallelism } from "node:os";
import { baseConfigSchema, ConfigError, parseConfig } from "@lms/platform";
import { z } from "zod";

const DEV_ADMIN_PASSWORD = "admin-password-change-me";
/** One argon2 hash per core, at most libuv's default thread pool (4), which runs them. */
const DEFAULT_ARGON2_CONCURRENCY = Math.min(availableParallelism(), 4);
/** Fewest characters the first admin's password may have in production (DESIGN.md §5). */
const MIN_PRODUCTION_ADMIN_PASSWORD_LENGTH = 12;

const seconds = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const schema = baseConfigSchema({ httpPort: 8081, grpcPort: 50051 }).extend({
  ADMIN_EMAIL: z.string().trim().toLowerCase().email().max(254).default("admin@library.local"),
  ADMIN_PASSWORD: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === "" ? DEV_ADMIN_PASSWORD : v))
    .pipe(z.string().min(8, "must have at least 8 characters").max(256, "must have at most 256 characters")),
  ACCESS_TOKEN_TTL: seconds(900, 86_400),
  REFRESH_TOKEN_TTL: seconds(604_800, 31_536_000),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
  LOGIN_WINDOW_SECONDS: seconds(900, 86_400),
  /** argon2id cost (OWASP's minimum: 19 MiB, 2 passes, 1 lane); verification reads them from each hash. */
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(1024).max(1_048_576).default(19_456),
  ARGON2_TIME_COST: z.coerce.number().int().min(1).max(20).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1),
  /** Hashes running at once, and waiting beyond those; more are refused with 503 + Retry-After. */
  ARGON2_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(DEFAULT_ARGON2_CONCURRENCY),
  ARGON2_QUEUE_MAX: z.coerce.number().int().min(0).max(100_000).default(64),
});

/** The auth service's configuration (DESIGN.md §1, §5). */
export type AuthConfig = ReturnType<typeof loadAuthConfig>["config"];

/**
 * Parses the environment once; every bad variable is reported together. In production the
 * admin password must be given (not the development default) and have at least 12 characters;
 * in development the default is used with a warning.
 */
export function loadAuthConfig(env: Record<string, string | undefined> = process.env) {
  const problems = adminPasswordProblems(env);
  let parsed: ReturnType<typeof parseConfig<typeof schema>>;
  try {
    parsed = parseConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError([...err.problems, ...problems]);
    throw err;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const { config, warnings } = parsed;
  if (config.ADMIN_PASSWORD === DEV_ADMIN_PASSWORD) {
    warnings.push(`ADMIN_PASSWORD is not set: the admin ${config.ADMIN_EMAIL} gets the development default (never in production)`);
  }
  return { config, warnings };
}

function adminPasswordProblems(env: Record<string, string | undefined>): string[] {
  if (env.NODE_ENV !== "production") return [];
  const given = env.ADMIN_PASSWORD;
  if (!given || given === DEV_ADMIN_PASSWORD) return ["ADMIN_PASSWORD: a password of your own is required in production"];
  const length = [...given].length;
  // Under 8 the schema's own rule already reports it.
  if (length >= 8 && length < MIN_PRODUCTION_ADMIN_PASSWORD_LENGTH) {
    return [`ADMIN_PASSWORD: must have at least ${MIN_PRODUCTION_ADMIN_PASSWORD_LENGTH} characters in production`];
  }
  return [];
}
