import fastifyCors from "@fastify/cors";
import type { FastifyInstance } from "fastify";
import { createOriginMatcher } from "../net/cors-origins.js";

/** Methods a browser may send cross-origin (every verb our `google.api.http` rules use, and HEAD). */
export const CORS_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Request headers a browser may send cross-origin besides the CORS-safelisted ones. */
export const CORS_ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "Idempotency-Key",
  "If-Match",
  "If-None-Match",
  "X-Request-Id",
] as const;

/** Answer headers a page's script may read besides the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS = [
  "Location",
  "ETag",
  "Retry-After",
  "WWW-Authenticate",
  "X-Request-Id",
  "Idempotency-Replayed",
  "X-Degraded",
] as const;

/** How long (seconds) a browser may reuse a preflight answer; short, so a changed `CORS_ORIGINS` applies soon. */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * CORS for the REST face (DESIGN.md §2) with `@fastify/cors`. A request whose `Origin` is in
 * `origins` (normalised `CORS_ORIGINS` entries) gets `Access-Control-Allow-Origin: <that origin>`
 * and the exposed headers on every answer, errors included; its preflight (`OPTIONS` with
 * `Access-Control-Request-Method`, to any path) answers 204 with the allowed methods and
 * headers and a max age, before routing or authentication. Any other origin, and a request
 * without one, gets no CORS header, and its `OPTIONS` falls through to the 404/405 handlers.
 * Answers carry `Vary: Origin`. No credentials mode: clients send bearer tokens, not cookies.
 * With no origins nothing is registered.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const allowed = createOriginMatcher(origins);
  // Name the plugin's catch-all OPTIONS route in metrics and access logs instead of "unmatched".
  app.addHook("onRoute", (route) => {
    if (route.method === "OPTIONS" && route.url === "*") route.config = { ...route.config, rpc: "cors-preflight" } as typeof route.config;
  });
  await app.register(fastifyCors, {
    origin: (origin, callback) => callback(null, allowed(origin) ? (origin as string) : false),
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: CORS_MAX_AGE_SECONDS,
    // An OPTIONS from an allowed origin without Access-Control-Request-Method gets the same 204,
    // not the plugin's text/plain 400 (every refusal of ours has the DESIGN.md §3 JSON body).
    strictPreflight: false,
  });
}
