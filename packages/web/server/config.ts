// The web origin's configuration (DESIGN.md §9, README's configuration table): parsed once at the
// edge, every bad variable reported together, as the services do (STYLE.md rule 7).
import { isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "@lms/platform/config/config";
import { REPO_ROOT } from "@lms/platform/repo-paths";
import { z } from "zod";
import type { ServiceName } from "../shared/service-routes.js";

/** The default REST port of each service (DESIGN.md §1): where `make run` puts them. */
export const DEFAULT_HTTP_PORTS: Record<ServiceName, number> = { auth: 8081, author: 8082, category: 8083, book: 8084 };

/** `AUTH_HTTP_URL` for auth: the variable naming a service's REST base URL, as `<SERVICE>_GRPC_ADDR` names its gRPC address. */
export function upstreamVariableOf(service: ServiceName): string {
  return `${service.toUpperCase()}_HTTP_URL`;
}

const baseUrl = (fallback: string) =>
  z
    .string()
    .url()
    .default(fallback)
    .refine((u) => /^https?:$/.test(new URL(u).protocol), "must be an http:// or https:// URL")
    .transform((u) => new URL(u).origin);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  WEB_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  AUTH_HTTP_URL: baseUrl(`http://127.0.0.1:${DEFAULT_HTTP_PORTS.auth}`),
  AUTHOR_HTTP_URL: baseUrl(`http://127.0.0.1:${DEFAULT_HTTP_PORTS.author}`),
  CATEGORY_HTTP_URL: baseUrl(`http://127.0.0.1:${DEFAULT_HTTP_PORTS.category}`),
  BOOK_HTTP_URL: baseUrl(`http://127.0.0.1:${DEFAULT_HTTP_PORTS.book}`),
  /** The built app (Vite's output); relative paths are taken from the repository root. */
  WEB_DIST_DIR: z.string().default(join("packages", "web", "dist")),
  /**
   * Longest wait for a service's answer headers (and between body chunks). Above the services' own
   * RPC_TIMEOUT_MS (5 s), so a slow dependency is reported by the service itself (503/504 with its
   * reason); this only catches a service that hangs.
   */
  WEB_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** The origin's settings, upstreams by service. */
export interface WebConfig {
  nodeEnv: "development" | "production" | "test";
  host: string;
  port: number;
  upstreams: Readonly<Record<ServiceName, string>>;
  /** Absolute directory of the built app. */
  distDir: string;
  upstreamTimeoutMs: number;
  shutdownTimeoutMs: number;
  logLevel: string;
}

/** Parses `env` (empty variables count as unset); throws a {@link ConfigError} listing every bad variable. */
export function loadWebConfig(env: Record<string, string | undefined> = process.env, root = REPO_ROOT): Readonly<WebConfig> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const result = schema.safeParse(present);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`));
  const c = result.data;
  return Object.freeze({
    nodeEnv: c.NODE_ENV,
    host: c.HOST,
    port: c.WEB_HTTP_PORT,
    upstreams: Object.freeze({ auth: c.AUTH_HTTP_URL, author: c.AUTHOR_HTTP_URL, category: c.CATEGORY_HTTP_URL, book: c.BOOK_HTTP_URL }),
    distDir: isAbsolute(c.WEB_DIST_DIR) ? c.WEB_DIST_DIR : resolve(root, c.WEB_DIST_DIR),
    upstreamTimeoutMs: c.WEB_UPSTREAM_TIMEOUT_MS,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    logLevel: c.LOG_LEVEL,
  });
}
