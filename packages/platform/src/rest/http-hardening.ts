import type { Socket } from "node:net";
import { ScalarType } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyInstance } from "fastify";
import type { HttpRoute } from "./http-rules.js";
import { errorBody, sendError } from "./send-error.js";

/**
 * The Content-Security-Policy of the pages we serve (each service's Swagger UI at `GET /`, the
 * web app at the origin): scripts and styles only from this origin (no inline script: Swagger
 * UI's initializer and the app's entry are files), inline style attributes (Swagger UI and React
 * set them), images from here or `data:`, API calls to this origin only, and no framing.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join("; ");

/**
 * Headers of DESIGN.md §5 on every REST answer: `X-Content-Type-Options: nosniff`;
 * `WWW-Authenticate: Bearer` on a 401 (with `error="invalid_token"` when the request carried a
 * token, RFC 6750 §3); `Cache-Control: no-store` (and `Pragma: no-cache`, RFC 6749 §5.1) on the
 * answers of methods whose request or answer carries a credential — a password, or a token
 * other than a page token (Register, Login, RefreshToken, VerifyToken, Logout). A request
 * target over {@link MAX_URL_LENGTH} characters answers 414 with the DESIGN.md §3 body.
 */
export function registerSecurityHeaders(app: FastifyInstance, routes: readonly HttpRoute[]): void {
  const credentialMethods = new Set(routes.filter((r) => carriesCredentials(r)).map((r) => r.method.name));
  app.addHook("onRequest", (req, reply, done) => {
    if (req.url.length <= MAX_URL_LENGTH) return done();
    sendError(reply, new ConnectError("the request URI is too long", Code.InvalidArgument), 414);
  });
  app.addHook("onSend", (req, reply, payload, done) => {
    reply.header("x-content-type-options", "nosniff");
    if (reply.statusCode === 401 && !reply.hasHeader("www-authenticate")) {
      reply.header("www-authenticate", req.headers.authorization ? 'Bearer error="invalid_token"' : "Bearer");
    }
    const rpc = (reply.routeOptions.config as { rpc?: string } | undefined)?.rpc;
    if (rpc && credentialMethods.has(rpc)) reply.header("cache-control", "no-store").header("pragma", "no-cache");
    done(null, payload);
  });
}

/** Longest request target (path and query) answered; longer ones get 414 (as nginx's default 8 KiB). */
export const MAX_URL_LENGTH = 8192;

const PAGE_TOKEN = /(^|_)page_token$/;

function carriesCredentials(route: HttpRoute): boolean {
  return [route.method.input, route.method.output].some((message) =>
    message.fields.some(
      (f) =>
        f.fieldKind === "scalar" &&
        f.scalar === ScalarType.STRING &&
        (f.name === "password" || ((f.name === "token" || f.name.endsWith("_token")) && !PAGE_TOKEN.test(f.name))),
    ),
  );
}

const CLIENT_ERRORS: Record<string, [status: number, reason: string, code: Code, message: string]> = {
  uri: [414, "URI Too Long", Code.InvalidArgument, "the request URI is too long"],
  headers: [431, "Request Header Fields Too Large", Code.InvalidArgument, "the request headers are too large"],
  timeout: [408, "Request Timeout", Code.DeadlineExceeded, "the request was not received in time"],
  other: [400, "Bad Request", Code.InvalidArgument, "malformed HTTP request"],
};

/**
 * Fastify's `clientErrorHandler`: answers what Node's HTTP parser refuses before Fastify sees
 * a request (DESIGN.md §3 body, `nosniff`, then closes the connection). A header block over
 * `maxHeaderSize` is 414 when the request line is what did not fit (a huge URL), else 431.
 */
export function answerClientError(error: Error, socket: Socket): void {
  const err = error as Error & { code?: string; rawPacket?: unknown };
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const kind =
    err.code === "HPE_HEADER_OVERFLOW"
      ? headersOverflowed(Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined)
        ? "headers"
        : "uri"
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? "timeout"
        : "other";
  const [status, reason, code, message] = CLIENT_ERRORS[kind];
  // The one answer written to the socket by hand (there is no reply yet), with the same body as sendError's.
  const body = JSON.stringify(errorBody(new ConnectError(message, code)));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * True when the overflow came from the headers, not the request line, judged from the chunk
 * the parser failed on: a chunk that starts a request shows its request line (a URL over
 * {@link MAX_URL_LENGTH} is the culprit); a later chunk without a line end is still in it.
 */
function headersOverflowed(raw: Buffer | undefined): boolean {
  if (!raw) return true;
  const lineEnd = raw.indexOf("\r\n");
  if (/^[A-Z]+ /.test(raw.subarray(0, 16).toString("latin1"))) return lineEnd !== -1 && lineEnd <= MAX_URL_LENGTH + 32;
  return lineEnd !== -1;
}
