// A stand-in for a service in the origin's unit specs: a real HTTP server that records what
// reached it and answers as told, so a spec sees exactly what the origin forwarded.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { WebConfig } from "../config.js";

/** What one request looked like when it reached the fake service. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Answer = (req: Received, res: ServerResponse) => void;

/** Echoes the request as JSON: `{service, method, url, headers, bodyLength, body}` (body as text). */
export const echo =
  (service: string): Answer =>
  (req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        service,
        method: req.method,
        url: req.url,
        headers: req.headers,
        bodyLength: req.body.length,
        body: req.body.toString(),
      }),
    );
  };

export interface FakeUpstream {
  url: string;
  received: Received[];
  /** Replaces the answer for the next requests. */
  answer(fn: Answer): void;
  close(): Promise<void>;
}

/** Starts a fake service on 127.0.0.1, on a port the OS picks (a fake is never stopped while the origin still calls it). */
export async function startFakeUpstream(initial: Answer): Promise<FakeUpstream> {
  let answer = initial;
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      answer(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (fn) => {
      answer = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A config for specs: port 0, the given upstreams and app directory, short timeouts, no logs. */
export function testConfig(upstreams: WebConfig["upstreams"], distDir: string, upstreamTimeoutMs = 5000): WebConfig {
  return {
    nodeEnv: "test",
    host: "127.0.0.1",
    port: 0,
    upstreams,
    distDir,
    upstreamTimeoutMs,
    shutdownTimeoutMs: 1000,
    logLevel: "silent",
  };
}
