import { randomUUID } from "node:crypto";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { accessLogger, type Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";

/**
 * Outermost interceptor of the gRPC port: one JSON log line and one metric sample per call,
 * with the request id taken from `x-request-id` metadata (or made up) and echoed back.
 */
export function createObserveInterceptor(log: Logger, metrics: Metrics): Interceptor {
  const access = accessLogger(log);
  return (next) => async (req) => {
    const started = performance.now();
    const requestId = req.header.get("x-request-id") ?? randomUUID();
    let code = "OK";
    try {
      const res = await next(req);
      res.header.set("x-request-id", requestId);
      return res;
    } catch (err) {
      code = Code[ConnectError.from(err).code] ?? "Unknown";
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      metrics.observe("grpc", req.method.name, code, seconds);
      access.info({ transport: "grpc", method: req.method.name, code, durationMs: +(seconds * 1000).toFixed(2), requestId }, "request");
    }
  };
}
