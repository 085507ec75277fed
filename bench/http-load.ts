import autocannon from "autocannon";
import { type RunResult, rateWindow } from "./stats.js";

/** One HTTP request of a scenario. */
export interface HttpRequestSpec {
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** What a REST scenario sends: per connection, a cycle of request makers (called for every request). */
export interface HttpPlan {
  requestsFor(connection: number): (() => HttpRequestSpec)[];
  /** ErrorInfo reasons of 4xx answers that count as refusals, not errors. */
  expectedRefusals?: readonly string[];
}

/**
 * Drives `baseUrl` with autocannon: `connections` keep-alive connections, one request in
 * flight each, for `durationMs`. Latency comes from autocannon's per-response `response`
 * event (process.hrtime, sub-millisecond), not from its histogram, whose 1 ms buckets would
 * read every fast call as 0 or 1 ms.
 */
export async function runHttp(baseUrl: string, connections: number, durationMs: number, plan: HttpPlan): Promise<RunResult> {
  const latenciesMs: number[] = [];
  const completedAt: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let refused = 0;
  const expected = plan.expectedRefusals ?? [];
  const onResponse = (status: number, body: string) => {
    if (status < 400) return;
    const reason = reasonOf(body);
    if (status < 500 && reason && expected.includes(reason)) {
      refused++;
      return;
    }
    errors++;
    if (errorSamples.length < 5) errorSamples.push(`HTTP ${status}: ${body.slice(0, 200)}`);
  };
  let nextConnection = 0;
  const start = performance.now();
  let finish: (err: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = (err) => (err ? reject(err) : resolve());
  });
  const instance = autocannon(
    {
      url: baseUrl,
      connections,
      duration: durationMs / 1000,
      timeout: 30,
      setupClient(client) {
        const makers = plan.requestsFor(nextConnection++);
        client.setRequests(makers.map((make) => ({ setupRequest: (req) => ({ ...req, ...make() }), onResponse })));
      },
    },
    (err) => finish(err),
  );
  instance.on("response", (_client, _status, _bytes, responseTime) => {
    latenciesMs.push(responseTime);
    completedAt.push(performance.now());
  });
  instance.on("reqError", (err: unknown) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(`request error: ${err instanceof Error ? err.message : String(err)}`);
  });
  await done;
  return { ...rateWindow(completedAt, performance.now(), start), latenciesMs, errors, refused, errorSamples };
}

/** The google.rpc.ErrorInfo reason of a DESIGN.md §3 error body, if any. */
export function reasonOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { details?: { "@type"?: string; reason?: string }[] };
    return parsed.details?.find((d) => d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo")?.reason;
  } catch {
    return undefined;
  }
}

/** A JSON POST request. */
export function postJson(path: string, body: unknown, token?: string): HttpRequestSpec {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  return { method: "POST", path, body: JSON.stringify(body), headers };
}
