import type { Transport } from "@connectrpc/connect";
import type { FastifyInstance } from "fastify";
import type { TokenVerifier } from "../auth/token-verifier.js";
import type { BaseConfig } from "../config/config.js";
import type { Database } from "../db/database.js";
import { createGrpcServer } from "../grpc/grpc-server.js";
import { healthService } from "../grpc/health.service.js";
import { createInvoker, type ServiceBinding } from "../grpc/invoker.js";
import { createInvokerTransport } from "../grpc/invoker-transport.js";
import { addReflectionService } from "../grpc/reflection.service.js";
import { createServerKeyCheck } from "../grpc/server-key.interceptor.js";
import { trustedProxySet } from "../net/client-address.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { httpRoutesOf } from "../rest/http-rules.js";
import { createRestServer } from "../rest/rest-server.js";
import { registerTranscodedRoutes } from "../rest/transcoder.js";
import type { Basics } from "./bootstrap.js";
import { createFaceChains } from "./face-chains.js";
import { asPortInUse } from "./port-in-use.js";

/** How long /readyz and the gRPC health check wait for the database before they say "not ready". */
const READY_TIMEOUT_MS = 2000;

/** Everything a service hands the host: its implementations and REST extras (access rules are proto options). */
export interface ServiceDefinition {
  /** Short name: auth, author, category, book. */
  name: string;
  /** The proto services implemented and their ServiceImpl objects (one implementation for every face: `bindService`). */
  implementations: ServiceBinding[];
  /**
   * Methods that create a resource and the REST path of what they created (e.g.
   * `{ CreateAuthor: "/api/v1/authors/{id}" }`, braces naming fields of the JSON answer): REST
   * answers them 201 with that `Location` (DESIGN.md §2). gRPC is unchanged.
   */
  createdLocations?: Readonly<Record<string, string>>;
  /** The OpenAPI document of the service. */
  swagger: Record<string, unknown>;
  /** Plain HTTP routes outside the proto (e.g. the JWKS endpoint). */
  extraRoutes?(app: FastifyInstance): void;
  /** First thing at stop, before the servers drain: end long-lived streams so the drain need not wait for them. */
  onDrain?(): void;
  /** Extra work at stop, after both servers drained and before the pool closes. */
  onStop?(): Promise<void>;
}

/** The shared parts a host needs. */
export interface HostDeps {
  log: Logger;
  metrics: Metrics;
  db: Database;
  verifier: TokenVerifier;
  serverKey: string;
  bodyLimit: number;
  shutdownTimeoutMs: number;
  /** Proxies whose forwarded client addresses are believed (REST `X-Forwarded-For`, gRPC `x-client-address`). */
  trustedProxies?: readonly string[];
  /** Browser origins allowed to call the REST face (normalised `CORS_ORIGINS` entries); none when omitted. */
  corsOrigins?: readonly string[];
  /** The OpenAPI 3.1 document (Basics reads it); without one only the 2.0 document is served. */
  openapi?: Record<string, unknown>;
}

/** A built service: `start` listens on both ports, `stop` drains both and closes the pool. */
export interface ServiceHost {
  /** An in-process client transport (for specs): the gRPC port's invoker, without its codec and socket. */
  transport: Transport;
  /** Listens: REST on `host`, gRPC on `grpcHost` (defaults to `host`). */
  start(httpPort: number, grpcPort: number, host: string, grpcHost?: string): Promise<{ httpPort: number; grpcPort: number }>;
  stop(): Promise<void>;
}

/**
 * Wires one service onto both faces (STYLE.md rules 1 and 8): each face calls the same
 * ServiceImpl objects through an invoker running that face's interceptor chain
 * (`face-chains.ts`), in process: a gRPC h2c server, and a Fastify REST server whose transcoded
 * routes call without a loopback hop. The gRPC port also serves health and server reflection of
 * those services, behind the same server key. Nothing listens until `start`.
 */
export async function createServiceHost(def: ServiceDefinition, deps: HostDeps): Promise<ServiceHost> {
  const isReady = async () =>
    deps.db.ping(READY_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
  const services = def.implementations.map((binding) => binding.service);
  const chains = createFaceChains({ ...deps, services });
  const trustedProxies = trustedProxySet(deps.trustedProxies ?? []);
  const grpcInvoker = createInvoker(
    [
      ...def.implementations,
      healthService(
        services.map((s) => s.typeName),
        isReady,
      ),
    ],
    chains.grpc,
  );
  const grpc = createGrpcServer(grpcInvoker, trustedProxies, (server) =>
    addReflectionService(server, grpcInvoker.services, {
      authorize: createServerKeyCheck(deps.serverKey),
      log: deps.log,
      metrics: deps.metrics,
    }),
  );
  const httpRoutes = httpRoutesOf(services);
  const rest = await createRestServer({
    service: def.name,
    log: deps.log,
    metrics: deps.metrics,
    bodyLimit: deps.bodyLimit,
    swagger: def.swagger,
    openapi: deps.openapi,
    routes: httpRoutes,
    isReady: () => deps.db.ping(READY_TIMEOUT_MS),
    corsOrigins: deps.corsOrigins,
  });
  def.extraRoutes?.(rest);
  registerTranscodedRoutes(rest, httpRoutes, createInvoker(def.implementations, chains.rest), {
    trustedProxies,
    createdLocations: def.createdLocations,
  });
  let stopped: Promise<void> | undefined;
  return {
    transport: createInvokerTransport(grpcInvoker),
    async start(httpPort, grpcPort, host, grpcHost = host) {
      const boundGrpc = await grpc.listen(grpcPort, grpcHost).catch(async (err) => {
        throw await asPortInUse(err, "gRPC", grpcHost, grpcPort);
      });
      await rest.listen({ port: httpPort, host }).catch(async (err) => {
        await grpc.close(0);
        throw await asPortInUse(err, "HTTP", host, httpPort);
      });
      const address = rest.server.address();
      return { httpPort: typeof address === "object" && address ? address.port : httpPort, grpcPort: boundGrpc };
    },
    stop() {
      stopped ??= (async () => {
        def.onDrain?.();
        await Promise.all([closeRest(rest, deps.shutdownTimeoutMs), grpc.close(deps.shutdownTimeoutMs)]);
        await def.onStop?.();
        await deps.db.close();
      })();
      return stopped;
    },
  };
}

/**
 * Closes the REST face within `timeoutMs`: idle keep-alive connections close at once (Node's
 * `server.close`), in-flight requests finish and their connections close after the answer
 * (rest-server's `Connection: close` while closing); whatever is still open at the timeout is cut.
 */
async function closeRest(rest: FastifyInstance, timeoutMs: number): Promise<void> {
  const timer = setTimeout(() => rest.server.closeAllConnections(), timeoutMs);
  try {
    await rest.close();
  } finally {
    clearTimeout(timer);
  }
}

/** What every service's `buildXApp` returns: built, not yet listening. */
export interface ServiceApp {
  log: Logger;
  db: Database;
  /** In-process transport to the service through the gRPC port's invoker and chain (for specs). */
  transport: ServiceHost["transport"];
  /** Listens on the configured ports (0 = any) and answers the bound ones. */
  start(): Promise<{ httpPort: number; grpcPort: number }>;
  stop(): Promise<void>;
}

/** Hosts `def` with the shared parts and the configured ports, limits and secrets. */
export async function createServiceApp(
  def: ServiceDefinition,
  basics: Basics,
  config: BaseConfig,
  verifier: TokenVerifier,
): Promise<ServiceApp> {
  const host = await createServiceHost(def, {
    ...basics,
    verifier,
    serverKey: config.SERVER_KEY,
    bodyLimit: config.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    trustedProxies: config.TRUSTED_PROXIES,
    corsOrigins: config.CORS_ORIGINS,
  });
  return {
    log: basics.log,
    db: basics.db,
    transport: host.transport,
    start: () => host.start(config.HTTP_PORT, config.GRPC_PORT, config.HOST, config.GRPC_HOST),
    stop: () => host.stop(),
  };
}
