import { create, type DescMessage, type DescMethodUnary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { ErrorInfoSchema } from "@lms/gen/google/rpc/error_details_pb";
import { toConnectError } from "@lms/platform/grpc/status";
import type { Outcome } from "./call-loop.js";

/**
 * The gRPC side of the load generator: one bare @grpc/grpc-js client whose HTTP/2 connection
 * the run's concurrent callers share, each with one call in flight, as ghz, the usual gRPC load
 * tool, does by default. Multiplexing calls on one connection is how gRPC callers work, and
 * what HTTP/2 is for; REST clients get one connection each from autocannon, HTTP/1.1 having no
 * multiplexing. The load generator shares the two cores with what it measures, so it does no
 * more per call than a caller must: encode the request, send it, read the status. Like
 * autocannon, which reads only the HTTP status, it does not decode answers; a failure's
 * google.rpc.Status is decoded to tell an expected refusal from an error. The connect+pg
 * baseline is driven the same way.
 */
export class GrpcLoad {
  private readonly client: grpc.Client;

  constructor(address: string) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      // A connection of its own (not shared with earlier runs' clients); none of grpc-js's
      // per-call statistics or retry buffering.
      "grpc.use_local_subchannel_pool": 1,
      "grpc.enable_channelz": 0,
      "grpc.enable_retries": 0,
      // Every run makes a new one; the connection closes a second after the run's last call.
      "grpc.client_idle_timeout_ms": 1000,
    });
  }

  /** A caller on this connection that sends `metadata` with every call (grpc-js copies it per call). */
  caller(metadata: grpc.Metadata): GrpcCaller {
    return { call: (method, request, expected = []) => this.call(method, request, metadata, expected) };
  }

  private call<I extends DescMessage>(
    method: DescMethodUnary<I>,
    request: MessageInitShape<I>,
    metadata: grpc.Metadata,
    expected: readonly string[],
  ): Promise<Outcome> {
    const bytes = toBinary(method.input, create(method.input, request));
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        `/${method.parent.typeName}/${method.name}`,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        metadata,
        (err) => {
          if (!err) return resolve("ok");
          // The error as the platform's peer clients see it: details from grpc-status-details-bin.
          const error = toConnectError(err);
          const reason = error.findDetails(ErrorInfoSchema)[0]?.reason;
          if (reason && expected.includes(reason)) resolve("refused");
          else reject(new Error(`gRPC ${grpc.status[err.code] ?? err.code}: ${error.rawMessage}${reason ? ` (${reason})` : ""}`));
        },
      );
    });
  }
}

/** One caller of a {@link GrpcLoad}. */
export interface GrpcCaller {
  /**
   * Calls `method` and says how it went: "ok"; "refused" when it failed with an ErrorInfo
   * reason in `expected` (e.g. NO_COPIES_AVAILABLE); otherwise it rejects with the code,
   * message and reason, so the loop counts and samples the error.
   */
  call<I extends DescMessage>(method: DescMethodUnary<I>, request: MessageInitShape<I>, expected?: readonly string[]): Promise<Outcome>;
}

/** `count` callers of the gRPC server at `address` on one new connection, caller `i` sending `metadataOf(i)`. */
export function grpcCallers(address: string, count: number, metadataOf: (i: number) => grpc.Metadata = () => callMetadata()): GrpcCaller[] {
  const load = new GrpcLoad(address);
  return Array.from({ length: count }, (_, i) => load.caller(metadataOf(i)));
}

/** Metadata of a bench call: the server key every gRPC caller must send, plus a bearer token if any. */
export function callMetadata(serverKey?: string, token?: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (serverKey) metadata.set("x-server-key", serverKey);
  if (token) metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}
