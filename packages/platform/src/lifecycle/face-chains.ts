import type { DescService } from "@bufbuild/protobuf";
import type { Interceptor } from "@connectrpc/connect";
import type { TokenVerifier } from "../auth/token-verifier.js";
import { createErrorInterceptor } from "../errors/error.interceptor.js";
import { createAccessInterceptor } from "../grpc/access.interceptor.js";
import { createObserveInterceptor } from "../grpc/observe.interceptor.js";
import { createServerKeyInterceptor } from "../grpc/server-key.interceptor.js";
import { createTextInterceptor } from "../grpc/text.interceptor.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";

/**
 * What runs before a handler, per face, outermost first: the one table of it.
 * - `observe`: gRPC's access-log line and metric sample (REST writes its own per HTTP request).
 * - `errors`: deliberate codes pass, the rest become INTERNAL or UNAVAILABLE (STYLE.md rule 6).
 * - `key`: the peers' server key (DESIGN.md §5). Not on REST: its callers are clients, never
 *   peers, and a method only peers may call has no REST route (the access interceptor refuses
 *   to be built for a service whose proto gives one such a route).
 * - `access`: the bearer token and the method's access rule (the proto option).
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
  /** The services served: their methods' access rules are read from the protos. */
  services: readonly DescService[];
}

/** Each face's chain of {@link FACE_CHAINS}, built. */
export function createFaceChains(deps: ChainDeps): Record<Face, Interceptor[]> {
  const links: Record<ChainLink, Interceptor> = {
    observe: createObserveInterceptor(deps.log, deps.metrics),
    errors: createErrorInterceptor(deps.log),
    key: createServerKeyInterceptor(deps.serverKey),
    access: createAccessInterceptor(deps.services, deps.verifier),
    text: createTextInterceptor(),
  };
  return { grpc: FACE_CHAINS.grpc.map((link) => links[link]), rest: FACE_CHAINS.rest.map((link) => links[link]) };
}
