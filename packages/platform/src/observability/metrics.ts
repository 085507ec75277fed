import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Request metrics of one service, on a registry of its own (several apps can share a test process). */
export interface Metrics {
  registry: Registry;
  /** Records one finished request: `transport` is "rest" or "grpc", `method` the RPC or route, `code` its status. */
  observe(transport: string, method: string, code: string, seconds: number): void;
}

/** Creates the registry with process metrics plus request counts and latency histograms by method and code. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const labelNames = ["transport", "method", "code"] as const;
  const requests = new Counter({ name: "lms_requests_total", help: "Requests handled", labelNames, registers: [registry] });
  const duration = new Histogram({
    name: "lms_request_duration_seconds",
    help: "Request latency",
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    observe(transport, method, code, seconds) {
      requests.inc({ transport, method, code });
      duration.observe({ transport, method, code }, seconds);
    },
  };
}
