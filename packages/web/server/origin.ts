// The web origin (DESIGN.md §9): one HTTP port that serves the built app and forwards /api/v1/...
// to the owning service, with the operational endpoints and lifecycle of a service (§7):
// /healthz, /readyz, /metrics, one JSON log line per request with its id (`x-request-id` accepted, echoed
// and passed on to the service), and on stop: no new requests, in-flight ones finished, pools closed.
import { randomUUID } from "node:crypto";
import { asPortInUse } from "@lms/platform/lifecycle/port-in-use";
import { accessLogger, createLogger, type Logger } from "@lms/platform/observability/logger";
import { createMetrics, type Metrics } from "@lms/platform/observability/metrics";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, LogController } from "fastify";
import { API_PREFIX, serviceForPath } from "../shared/service-routes.js";
import { registerApiForwarding } from "./api-forwarding.js";
import type { WebConfig } from "./config.js";
import { Codes, sendError } from "./error-reply.js";
import { registerStaticApp } from "./static-app.js";

/** A built origin: `start` listens, `stop` drains. */
export interface WebOrigin {
  app: FastifyInstance;
  log: Logger;
  /** Listens on the configured port (0 = any) and answers the bound one. */
  start(): Promise<{ httpPort: number; grpcPort: number }>;
  stop(): Promise<void>;
}

/** Builds the origin for `config`; nothing listens until `start` (STYLE.md rule 8). */
export async function buildWebOrigin(config: WebConfig, log = createLogger("web", config.logLevel)): Promise<WebOrigin> {
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => headerId(req.headers["x-request-id"]) ?? randomUUID(),
    return503OnClosing: true,
  });
  let closing = false;
  const metrics = createMetrics("web");
  observeRequests(app, log, metrics, () => closing);
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/metrics", async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  // Ready as soon as it listens: the origin holds no state of its own, and a service that is
  // down is reported per request (503), so one absent service never takes the whole app out.
  app.get("/readyz", async (_req, reply) =>
    closing ? sendError(reply, 503, Codes.unavailable, "the web origin is stopping") : { status: "ready" },
  );
  await registerApiForwarding(app, { upstreams: config.upstreams, timeoutMs: config.upstreamTimeoutMs });
  await registerStaticApp(app, config.distDir);
  app.setErrorHandler((err, req, reply) => {
    const { statusCode: status, message } = err as { statusCode?: number; message?: string };
    // Fastify's own refusals (a malformed URL, a bad header) are the client's mistake: INVALID_ARGUMENT.
    if (status && status >= 400 && status < 500) return sendError(reply, status, 3, message ?? "bad request");
    req.log.error({ err }, "unexpected error");
    return sendError(reply, 500, Codes.internal, "internal error");
  });
  let stopped: Promise<void> | undefined;
  return {
    app,
    log,
    async start() {
      await app.listen({ port: config.port, host: config.host }).catch(async (err) => {
        throw await asPortInUse(err, "HTTP", config.host, config.port);
      });
      const address = app.server.address();
      // grpcPort: runMain's shape; the origin has no gRPC face.
      return { httpPort: typeof address === "object" && address ? address.port : config.port, grpcPort: 0 };
    },
    stop() {
      stopped ??= (async () => {
        closing = true;
        // In-flight answers finish and their connections close after them; what is left at the timeout is cut.
        const timer = setTimeout(() => app.server.closeAllConnections(), config.shutdownTimeoutMs);
        try {
          await app.close();
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopped;
    },
  };
}

function headerId(value: string | string[] | undefined): string | undefined {
  const id = Array.isArray(value) ? value[0] : value;
  return id && /^[\w.:-]{1,128}$/.test(id) ? id : undefined;
}

/**
 * The `method` label of a request in the metrics: `api:<service>` for what is forwarded (so the
 * hop's latency per service shows), `api:unrouted`, the operational paths by name, else `static`.
 * Few values, so the label set stays small whatever paths clients send.
 */
function routeLabel(req: FastifyRequest): string {
  const path = req.url.split("?")[0];
  if (path.startsWith(API_PREFIX)) return `api:${serviceForPath(path) ?? "unrouted"}`;
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return path.slice(1);
  return path.startsWith("/api") ? "api:unrouted" : "static";
}

/** One access line and one metrics sample per request, the request id echoed, and `Connection: close` on answers once stopping. */
function observeRequests(app: FastifyInstance, log: Logger, metrics: Metrics, isClosing: () => boolean): void {
  const access = accessLogger(log);
  app.addHook("onRequest", (req, reply, done) => {
    reply.header("x-request-id", req.id);
    done();
  });
  app.addHook("onSend", (_req, reply, payload, done) => {
    reply.header("x-content-type-options", "nosniff");
    // Otherwise a keep-alive connection whose request was in flight at close holds close() open.
    if (isClosing()) reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("onResponse", (req, reply, done) => {
    metrics.observe("web", routeLabel(req), String(reply.statusCode), reply.elapsedTime / 1000);
    access.info(
      {
        transport: "web",
        method: req.method,
        path: req.url.split("?")[0],
        status: reply.statusCode,
        durationMs: +reply.elapsedTime.toFixed(2),
        requestId: req.id,
      },
      "request",
    );
    done();
  });
}
