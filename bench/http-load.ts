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

/** The part of an autocannon client a run stops it by (autocannon 9: the `amount` limit per client). */
interface StoppableClient {
  /** Requests this client has sent, the one in flight included. */
  reqsMade: number;
  /** Once `reqsMade` reaches it, the client sends nothing more and closes after its last answer. */
  responseMax?: number;
}

/** Longest a run waits for its connections to open before it starts its clock anyway. */
const CONNECT_PHASE_MAX_MS = 10_000;

/**
 * Drives `baseUrl` with autocannon: `connections` keep-alive connections, one request in
 * flight each. Latency comes from autocannon's per-response `response` event (process.hrtime,
 * sub-millisecond), not from its histogram, whose 1 ms buckets would read every fast call as
 * 0 or 1 ms. A run has three phases:
 *
 * 1. *Connect*: until every connection has had its first answer, nothing is timed. Node
 *    accepts one new connection per event-loop turn (libuv 1.45, "don't accept() connections
 *    in a loop"), so a busy server took up to a second to accept a run's 64 new connections,
 *    and their first calls read 2.5–3.5 × the median; HTTP clients keep their connections open.
 * 2. *Measure*, `durationMs`: every answer is timed and counted in the rate.
 * 3. *Stop*, as the gRPC call loop does: each connection sends nothing more, finishes its
 *    cycle of requests (a borrow is not left without its return) and waits for its last
 *    answer, which is timed but not counted in the rate. Left to its `duration`, autocannon
 *    closes its connections with a request in flight on each, and the next run's first calls
 *    queued behind that abandoned work.
 *
 * Errors and refusals count in every phase.
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
  const clients: { client: StoppableClient; cycle: number }[] = [];
  let finish: (err: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = (err) => (err ? reject(err) : resolve());
  });
  const instance = autocannon(
    {
      url: baseUrl,
      connections,
      // Only a safety net: the run stops its clients itself (below).
      duration: (CONNECT_PHASE_MAX_MS + durationMs) / 1000 + 60,
      timeout: 30,
      // How often autocannon looks whether every client has finished (its default is 1 s).
      sampleInt: 50,
      setupClient(client) {
        const makers = plan.requestsFor(nextConnection++);
        client.setRequests(makers.map((make) => ({ setupRequest: (req) => ({ ...req, ...make() }), onResponse })));
        clients.push({ client: client as unknown as StoppableClient, cycle: makers.length });
      },
    },
    (err) => finish(err),
  );

  let measuringSince: number | undefined;
  let stopSending: NodeJS.Timeout | undefined;
  const startMeasuring = () => {
    if (measuringSince !== undefined) return;
    measuringSince = performance.now();
    clearTimeout(connectPhaseCap);
    stopSending = setTimeout(() => {
      for (const { client, cycle } of clients) client.responseMax = Math.max(cycle, Math.ceil(client.reqsMade / cycle) * cycle);
    }, durationMs);
  };
  const connectPhaseCap = setTimeout(startMeasuring, CONNECT_PHASE_MAX_MS);
  const answeredOnce = new Set<unknown>();
  let untimed = 0;
  instance.on("response", (client, _status, _bytes, responseTime) => {
    if (measuringSince !== undefined) {
      latenciesMs.push(responseTime);
      completedAt.push(performance.now());
      return;
    }
    untimed++;
    answeredOnce.add(client);
    if (answeredOnce.size === connections) startMeasuring();
  });
  instance.on("reqError", (err: unknown) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(`request error: ${err instanceof Error ? err.message : String(err)}`);
  });
  try {
    await done;
  } finally {
    clearTimeout(connectPhaseCap);
    clearTimeout(stopSending);
  }
  const since = measuringSince ?? performance.now();
  return { ...rateWindow(completedAt, since + durationMs, since), latenciesMs, untimed, errors, refused, errorSamples };
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

/** A GET request, with a bearer token if any. */
export function getJson(path: string, token?: string): HttpRequestSpec {
  return { method: "GET", path, headers: token ? { authorization: `Bearer ${token}` } : {} };
}
