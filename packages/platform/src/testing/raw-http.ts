import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:http";

/** One HTTP exchange as it went over the wire: no automatic decompression, no forbidden headers. */
export interface RawHttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body bytes exactly as received (still compressed when `content-encoding` says so). */
  body: Buffer;
}

/**
 * Sends one request with `node:http` and exactly the given headers (unlike `fetch`, which adds
 * `Accept-Encoding`, decompresses, and may refuse `Origin`), for specs about CORS and compression.
 */
export function rawHttp(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawHttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "GET", headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}
