import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyInstance } from "fastify";
import type { HttpRoute } from "./http-rules.js";
import { sendError } from "./send-error.js";

/**
 * Unknown paths answer 404 and known paths with the wrong verb 405 (with `Allow`), both with
 * the DESIGN.md §3 body and code UNIMPLEMENTED, as grpc-gateway does.
 */
export function registerFallbackHandlers(app: FastifyInstance, routes: HttpRoute[]): void {
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split("?")[0];
    const allowed = routes.filter((r) => r.pattern.test(path)).map((r) => r.verb);
    if (allowed.length > 0) {
      reply.header("allow", [...new Set(allowed)].join(", "));
      return sendError(reply, new ConnectError(`method ${req.method} not allowed on ${path}`, Code.Unimplemented), 405);
    }
    return sendError(reply, new ConnectError(`no route for ${req.method} ${path}`, Code.Unimplemented), 404);
  });
}
