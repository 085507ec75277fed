import type { DescService } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcJsTransport } from "./grpc-js-transport.js";

/** How a service calls a peer. */
export interface ServiceClientOptions {
  /** `host:port` of the peer's gRPC port. */
  address: string;
  serverKey: string;
  /** Deadline of every call, in milliseconds. */
  timeoutMs: number;
  /** Names of methods safe to retry (reads): retried on UNAVAILABLE with backoff. */
  idempotent?: readonly string[];
  /** Peer name for error messages ("book service"). */
  peer: string;
}

const RETRIES = 3;

/**
 * A typed gRPC client of a peer service (STYLE.md `clients/`): every call carries the server
 * key and a deadline, idempotent reads retry with exponential backoff, and a peer that is down
 * or slow becomes a clean UNAVAILABLE / DEADLINE_EXCEEDED naming the peer.
 */
export function createServiceClient<S extends DescService>(service: S, opts: ServiceClientOptions): Client<S> {
  const idempotent = new Set(opts.idempotent ?? []);
  const serverKey: Interceptor = (next) => (req) => {
    req.header.set("x-server-key", opts.serverKey);
    return next(req);
  };
  const retry: Interceptor = (next) => async (req) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await next(req);
      } catch (err) {
        const code = ConnectError.from(err).code;
        if (code !== Code.Unavailable || !idempotent.has(req.method.name) || attempt >= RETRIES - 1) {
          throw cleanPeerError(err, opts.peer);
        }
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  };
  const transport = createGrpcJsTransport({
    address: opts.address,
    defaultTimeoutMs: opts.timeoutMs,
    // Keep-alive PINGs while a call is open, so a long watch notices a peer that vanished silently.
    pingIntervalMs: 15_000,
    pingTimeoutMs: 5_000,
    interceptors: [retry, serverKey],
  });
  return createClient(service, transport);
}

/**
 * The peer's failure as this service's own error: same code, message and details, but never
 * the peer's response metadata (its `grpc-status` and `content-type` would otherwise be copied
 * onto this service's own response and break it).
 */
function cleanPeerError(err: unknown, peer: string): ConnectError {
  const ce = ConnectError.from(err);
  if (ce.code === Code.Unavailable) return new ConnectError(`${peer} unavailable`, Code.Unavailable);
  if (ce.code === Code.DeadlineExceeded) return new ConnectError(`${peer} did not answer in time`, Code.DeadlineExceeded);
  if (ce.code === Code.Unauthenticated) return new ConnectError(`${peer} refused this service's credentials`, Code.Unavailable);
  const own = new ConnectError(ce.rawMessage, ce.code, undefined, undefined, ce.cause);
  own.details = ce.details;
  return own;
}
