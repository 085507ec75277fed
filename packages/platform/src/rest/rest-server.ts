import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import fastifySwagger, { type StaticDocumentSpec } from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { accessLogger, type Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { registerCompression } from "./compression.js";
import { registerCors } from "./cors.js";
import { registerFallbackHandlers } from "./fallback-handlers.js";
import { answerClientError, PAGE_CSP, registerSecurityHeaders } from "./http-hardening.js";
import type { HttpRoute } from "./http-rules.js";
import { sendError } from "./send-error.js";

/** What the REST face of a service needs besides its transcoded routes. */
export interface RestServerOptions {
  service: string;
  log: Logger;
  metrics: Metrics;
  bodyLimit: number;
  /** The service's OpenAPI 2.0 document, served at `/api/swagger/<service>.swagger.json`. */
  swagger: Record<string, unknown>;
  /** The service's OpenAPI 3.1 document, served at `/api/openapi/<service>.json` and shown first by Swagger UI. */
  openapi?: Record<string, unknown>;
  routes: HttpRoute[];
  isReady: () => Promise<void>;
  /** Browser origins allowed cross-origin (normalised `CORS_ORIGINS` entries); none when omitted. */
  corsOrigins?: readonly string[];
}

/**
 * A Fastify app with the operational endpoints of DESIGN.md §7 (`/healthz`, `/readyz`,
 * `/metrics`), request ids (`x-request-id` accepted and echoed), one JSON log line per
 * request, JSON-only bodies with a size limit, Swagger JSON + UI, and DESIGN.md §3 error
 * bodies for everything Fastify itself refuses, CORS for `corsOrigins`, and gzip for answers
 * over 1 KiB to clients that accept it. Routes are added by the caller.
 */
export async function createRestServer(opts: RestServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.log as FastifyBaseLogger,
    // Our own onResponse hook writes the one line per request (with the RPC name and code).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit,
    genReqId: (req) => headerId(req.headers["x-request-id"]) ?? randomUUID(),
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
  });
  registerJsonParser(app);
  registerRequestObservation(app, opts);
  closeConnectionsAfterAnswerWhileClosing(app);
  registerSecurityHeaders(app, opts.routes);
  // Both before any route: compression attaches to routes as they are added, CORS adds its OPTIONS route.
  await registerCompression(app);
  await registerCors(app, opts.corsOrigins ?? []);
  app.get("/healthz", { config: { rpc: "healthz" } }, async () => ({ status: "ok" }));
  app.get("/readyz", { config: { rpc: "readyz" } }, async (_req, reply) => {
    try {
      await opts.isReady();
      return { status: "ready" };
    } catch {
      return sendError(reply, new ConnectError("database unavailable", Code.Unavailable));
    }
  });
  app.get("/metrics", { config: { rpc: "metrics" } }, async (_req, reply) =>
    reply.header("content-type", opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics()),
  );
  await registerSwagger(app, opts.service, opts.swagger, opts.openapi);
  registerFallbackHandlers(app, opts.routes);
  return app;
}

/**
 * Once `close()` began, every answer carries `Connection: close`, so Node ends its connection
 * after it: otherwise a connection whose request was in flight at close goes back to keep-alive
 * and holds `close()` open until Fastify's keep-alive timeout (72 s). Idle connections are closed
 * at once by Node's `server.close`; new requests on open ones get Fastify's 503 (`return503OnClosing`).
 */
function closeConnectionsAfterAnswerWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onSend", (_req, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
}

function headerId(value: string | string[] | undefined): string | undefined {
  const id = Array.isArray(value) ? value[0] : value;
  return id && /^[\w.:-]{1,128}$/.test(id) ? id : undefined;
}

/** JSON only; an empty body counts as `{}` so DELETE/GET clients that send a content-type are not refused. */
function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error("request body is not valid JSON"), { statusCode: 400 }), undefined);
    }
  });
  app.removeContentTypeParser("text/plain");
}

function registerRequestObservation(app: FastifyInstance, opts: RestServerOptions): void {
  const access = accessLogger(opts.log);
  // Callback-style hooks: an async hook costs a promise per request for nothing here.
  app.addHook("onRequest", (req, reply, done) => {
    reply.header("x-request-id", req.id);
    done();
  });
  app.addHook("onResponse", (req, reply, done) => {
    const rpc = (reply.routeOptions.config as { rpc?: string } | undefined)?.rpc ?? "unmatched";
    const seconds = reply.elapsedTime / 1000;
    opts.metrics.observe("rest", rpc, String(reply.statusCode), seconds);
    access.info(
      {
        transport: "rest",
        method: req.method,
        path: req.url.split("?")[0],
        rpc,
        status: reply.statusCode,
        durationMs: +reply.elapsedTime.toFixed(2),
        requestId: req.id,
      },
      "request",
    );
    done();
  });
  app.setErrorHandler((err, _req, reply) => {
    const { statusCode: status, message } = err as { statusCode?: number; message?: string };
    if (status && status >= 400 && status < 500) {
      // Fastify's own refusals (bad JSON, too large, wrong media type) are client mistakes.
      return sendError(reply, new ConnectError(message ?? "bad request", Code.InvalidArgument), status);
    }
    return sendError(reply, err);
  });
}

async function registerSwagger(
  app: FastifyInstance,
  service: string,
  swagger: Record<string, unknown>,
  openapi: Record<string, unknown> | undefined,
): Promise<void> {
  const swaggerPath = `/api/swagger/${service}.swagger.json`;
  const openapiPath = `/api/openapi/${service}.json`;
  app.get(swaggerPath, { config: { rpc: "swagger" } }, async () => swagger);
  if (openapi) app.get(openapiPath, { config: { rpc: "openapi" } }, async () => openapi);
  // The UI's first document comes from the plugin's own `/json` route (@fastify/swagger-ui always
  // points it there): the 3.1 one with this origin as its first server, so "Try it out" calls the
  // service that served the page whatever its port (the committed file names make run's port first).
  const uiDocument = openapi ? forThisOrigin(openapi) : swagger;
  const document = uiDocument;
  if (!isOpenApiDocument(document)) throw new Error(`the API document of ${service} has no swagger/openapi version, info or paths`);
  await app.register(fastifySwagger, { mode: "static", specification: { document } });
  const urls = openapi
    ? [
        { name: `${service} (OpenAPI 3.1)`, url: "./json" },
        { name: `${service} (Swagger 2.0)`, url: swaggerPath },
      ]
    : undefined;
  await app.register(fastifySwaggerUi, {
    routePrefix: "/",
    staticCSP: PAGE_CSP,
    uiConfig: { validatorUrl: null, persistAuthorization: true, tryItOutEnabled: true, urls },
  });
}

/** A generated document read at start-up, checked for the shape the plugin's type promises. */
function isOpenApiDocument(document: Record<string, unknown>): document is Record<string, unknown> & StaticDocumentSpec["document"] {
  return (
    (typeof document.swagger === "string" || typeof document.openapi === "string") &&
    typeof document.info === "object" &&
    typeof document.paths === "object"
  );
}

/** The document with the relative server `/` moved first. */
function forThisOrigin(document: Record<string, unknown>): Record<string, unknown> {
  const servers = Array.isArray(document.servers) ? (document.servers as { url?: unknown }[]) : [];
  const relative = servers.filter((s) => s.url === "/");
  return { ...document, servers: [...(relative.length > 0 ? relative : [{ url: "/" }]), ...servers.filter((s) => s.url !== "/")] };
}
