import { z } from "zod";
import { trustedProxyProblem } from "../net/client-address.js";
import { DEVELOPMENT_CORS_ORIGINS, parseOriginList } from "../net/cors-origins.js";

/** Thrown when the environment does not fit a service's schema; lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

const DEV_SERVER_KEY = "dev-server-key-change-me";

/** Fewest characters a `SERVER_KEY` may have in production (DESIGN.md §5 hardening rules). */
export const MIN_PRODUCTION_SERVER_KEY_LENGTH = 32;

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/**
 * Variables every service reads (DESIGN.md §1, §6). A service extends this with
 * `baseConfigSchema(defaults).extend({...})` and parses it once with {@link parseConfig}.
 */
export function baseConfigSchema(defaults: { httpPort: number; grpcPort: number }) {
  return z.object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HTTP_PORT: port(defaults.httpPort),
    GRPC_PORT: port(defaults.grpcPort),
    HOST: z.string().default("0.0.0.0"),
    /**
     * Address the gRPC port binds to. Unset ("") means 127.0.0.1 in development and test (the
     * development server key is public, so nobody else may reach the port) and 0.0.0.0 in
     * production; {@link parseConfig} fills it in.
     */
    GRPC_HOST: z.string().default(""),
    DATABASE_URL: optionalString,
    DATA_DIR: z.string().default("./data"),
    SERVER_KEY: z.string().min(1).default(DEV_SERVER_KEY),
    AUTH_GRPC_ADDR: z.string().default("127.0.0.1:50051"),
    AUTHOR_GRPC_ADDR: z.string().default("127.0.0.1:50052"),
    CATEGORY_GRPC_ADDR: z.string().default("127.0.0.1:50053"),
    BOOK_GRPC_ADDR: z.string().default("127.0.0.1:50054"),
    AUTH_JWKS_URL: z.string().url().default("http://127.0.0.1:8081/.well-known/jwks.json"),
    JWT_ISSUER: z.string().min(1).default("library-auth"),
    JWT_AUDIENCE: z.string().min(1).default("library"),
    DB_MAX_OPEN_CONNS: z.coerce.number().int().min(1).max(1000).default(10),
    DB_MAX_IDLE_CONNS: z.coerce.number().int().min(0).max(1000).default(2),
    DB_CONN_MAX_LIFETIME: z.coerce.number().int().min(0).default(1800),
    // Below RPC_TIMEOUT_MS together: a caller with a 5 s deadline hears our 503, not its own 504.
    DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
    RPC_TIMEOUT_MS: z.coerce.number().int().min(1).default(5000),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    /**
     * Comma-separated proxy addresses or CIDR ranges (`172.30.18.10`, `10.244.0.0/16`) whose
     * X-Forwarded-For (REST) or x-client-address (gRPC) names the client.
     */
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((a) => a.trim())
          .filter((a) => a !== ""),
      )
      .superRefine((entries, ctx) => {
        for (const entry of entries) {
          const problem = trustedProxyProblem(entry);
          if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${problem} (IP addresses or CIDR ranges, comma-separated)` });
        }
      }),
    /**
     * Comma-separated browser origins allowed to call the REST face (DESIGN.md §2): exact
     * (`https://app.example.org`) or any port (`http://localhost:*`). Unset means
     * {@link DEVELOPMENT_CORS_ORIGINS} outside production and none in production ({@link parseConfig}).
     */
    CORS_ORIGINS: z
      .string()
      .default("")
      .transform((value, ctx) => {
        const { entries, problems } = parseOriginList(value);
        for (const message of problems) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
        return entries;
      }),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  });
}

/** The parsed variables shared by every service. */
export type BaseConfig = z.infer<ReturnType<typeof baseConfigSchema>>;

/**
 * Parses `env` against `schema` (empty variables count as unset), reporting every bad variable in one {@link ConfigError},
 * and returns a frozen object. In production the development server key, and any key shorter
 * than {@link MIN_PRODUCTION_SERVER_KEY_LENGTH} characters, is refused; in development it is
 * used and `warnings` says so. An unset `GRPC_HOST` becomes 127.0.0.1, or 0.0.0.0 in production; an
 * unset `CORS_ORIGINS` allows localhost and 127.0.0.1 on any port, or no origin in production.
 */
export function parseConfig<S extends z.ZodType<BaseConfig, z.ZodTypeDef, unknown>>(
  schema: S,
  env: Record<string, string | undefined>,
): { config: Readonly<z.infer<S>>; warnings: string[] } {
  // An empty variable (a blank line in .env) means "not set", never 0 or "".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  if (present.CORS_ORIGINS === undefined && present.NODE_ENV !== "production") present.CORS_ORIGINS = DEVELOPMENT_CORS_ORIGINS;
  const result = schema.safeParse(present);
  const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`);
  problems.push(...productionKeyProblems(present));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const config = result.data as z.infer<S>;
  const warnings: string[] = [];
  if (config.SERVER_KEY === DEV_SERVER_KEY) {
    warnings.push("SERVER_KEY is not set: using the development default (never in production)");
  }
  if (config.GRPC_HOST === "") (config as BaseConfig).GRPC_HOST = config.NODE_ENV === "production" ? "0.0.0.0" : "127.0.0.1";
  return { config: Object.freeze(config), warnings };
}

function productionKeyProblems(env: Record<string, string | undefined>): string[] {
  if (env.NODE_ENV !== "production") return [];
  const key = env.SERVER_KEY;
  if (key === undefined || key === DEV_SERVER_KEY) return ["SERVER_KEY: must be set to a secret of your own in production"];
  if (key.length < MIN_PRODUCTION_SERVER_KEY_LENGTH) {
    return [`SERVER_KEY: must have at least ${MIN_PRODUCTION_SERVER_KEY_LENGTH} characters in production (has ${key.length})`];
  }
  return [];
}
