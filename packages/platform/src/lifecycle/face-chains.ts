import type { Interceptor } from "@connectrpc/connect";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { createErrorInterceptor } from "../errors/error.interceptor.js";
import { type AccessTable, createAccessInterceptor } from "../grpc/access.interceptor.js";
import { createObserveInterceptor } from "../grpc/observe.interceptor.js";
import { createServerKeyInterceptor } from "../grpc/server-key.interceptor.js";
import { createTextInterceptor } from "../grpc/text.interceptor.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { HttpRoute } from "../rest/http-rules.js";

/**
 * What runs before a handler, per face, outermost first: the one table of it.
 * - `observe`: gRPC's access-log line and metric sample (REST writes its own per HTTP request).
 * - `errors`: deliberate codes pass, the rest become INTERNAL or UNAVAILABLE (STYLE.md rule 6).
 * - `key`: the peers' server key (DESIGN.md §5). Not on REST: its callers are clients, never
 *   peers, and a method only peers may call has no REST route ({@link refusePeerOnlyRoutes}).
 * - `access`: the bearer token and the method's access rule.
 * - `text`: strings PostgreSQL cannot store, refused before any handler.
 */
export const FACE_CHAINS = {
  grpc: ["observe", "errors", "key", "access", "text"],
  rest: ["errors", "access", "text"],
} as const satisfies Record<string, readonly ChainLink[]>;

/** The faces a service shows. */
export type Face = keyof typeof FACE_CHAINS;

type ChainLink = "observe" | "errors" | "key" | "access" | "text";

/** What the interceptors of the chains are made from. */
export interface ChainDeps {
  log: Logger;
  metrics: Metrics;
  serverKey: string;
  verifier: TokenVerifier;
  /** Access rule per method, per service type name. */
  access: Readonly<Record<string, AccessTable>>;
}

/** Each face's chain of {@link FACE_CHAINS}, built. */
export function createFaceChains(deps: ChainDeps): Record<Face, Interceptor[]> {
  const links: Record<ChainLink, Interceptor> = {
    observe: createObserveInterceptor(deps.log, deps.metrics),
    errors: createErrorInterceptor(deps.log),
    key: createServerKeyInterceptor(deps.serverKey),
    access: createAccessInterceptor(deps.access, deps.verifier),
    text: createTextInterceptor(),
  };
  return { grpc: FACE_CHAINS.grpc.map((link) => links[link]), rest: FACE_CHAINS.rest.map((link) => links[link]) };
}

/**
 * Throws when a REST route leads to a method only peers may call (access rule `service`): REST
 * runs no server-key check, so such a method must stay gRPC-only (DESIGN.md §2), and a service
 * that broke this would not start rather than open it to anyone.
 */
export function refusePeerOnlyRoutes(routes: readonly HttpRoute[], access: Readonly<Record<string, AccessTable>>): void {
  const open = routes.filter((route) => access[route.method.parent.typeName]?.[route.method.name] === "service");
  if (open.length > 0) {
    const names = open.map((route) => `${route.method.name} (${route.verb} ${route.template})`).join(", ");
    throw new Error(`methods only peers may call have REST routes, which run no server-key check: ${names}`);
  }
}
