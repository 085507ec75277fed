import type { DescService } from "@bufbuild/protobuf";
import { type Client, ConnectError, createClient } from "@connectrpc/connect";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { createGrpcJsTransport } from "@lms/platform";
import type { Outcome } from "./call-loop.js";

/**
 * `count` clients of `service` at `address`, each on its own HTTP/2 connection (its own
 * transport), the way `count` independent callers would be; REST clients likewise get one
 * connection each from autocannon, so the two transports are loaded alike. The calls run on
 * @grpc/grpc-js (the platform's transport, as the services' own peer clients): the load
 * generator shares the machine's two cores with what it measures, and Connect's node client
 * costs about twice its CPU per call. The connect+pg baseline is driven by the same clients.
 * Each run makes new clients; a connection closes after a second without calls.
 */
export function grpcClients<S extends DescService>(service: S, address: string, count: number): Client<S>[] {
  return Array.from({ length: count }, () => createClient(service, createGrpcJsTransport({ address, idleTimeoutMs: 1000 })));
}

/** Metadata of a bench call: the server key every gRPC caller must send, plus a bearer token if any. */
export function callHeaders(serverKey: string, token?: string): { headers: Record<string, string> } {
  const headers: Record<string, string> = { "x-server-key": serverKey };
  if (token) headers.authorization = `Bearer ${token}`;
  return { headers };
}

/**
 * Awaits a call and says how it counts: "ok"; "refused" when it failed with an ErrorInfo
 * reason in `expected` (e.g. NO_COPIES_AVAILABLE); otherwise the error is rethrown so the
 * loop counts and samples it.
 */
export async function grpcOutcome(call: Promise<unknown>, expected: readonly string[] = []): Promise<Outcome> {
  try {
    await call;
    return "ok";
  } catch (err) {
    const ce = ConnectError.from(err);
    const reason = ce.findDetails(ErrorInfoSchema)[0]?.reason;
    if (reason && expected.includes(reason)) return "refused";
    throw new Error(`gRPC ${ce.code}: ${ce.rawMessage}${reason ? ` (${reason})` : ""}`);
  }
}
