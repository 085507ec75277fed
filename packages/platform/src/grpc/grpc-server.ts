import { type DescMethod, fromBinary, type Message, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { CLIENT_ADDRESS_HEADER, peerAddress, resolveClientAddress, type TrustedProxies } from "../net/client-address.js";
import type { CallInit, Invoker } from "./invoker.js";
import { appendMetadata, toMetadata } from "./metadata.js";
import { toStatus } from "./status.js";

/** A cleartext HTTP/2 (h2c) gRPC server that can drain on stop. */
export interface GrpcServer {
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, lets in-flight calls finish (up to `timeoutMs`), then closes. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * Serves every method `invoker` knows over gRPC with @grpc/grpc-js: it decodes each request,
 * hands the message to the invoker (the same interceptors and implementations the REST face
 * calls) and encodes the answer. grpc-js costs about half the CPU per call of Connect's Node
 * server on this machine (docs/performance.md, change 9). Answers are never compressed
 * (compressed requests are accepted): gRPC servers usually leave it off on a local network.
 * Only unary and server-streaming methods exist in our protos; others would answer UNIMPLEMENTED.
 * Each call's `x-client-address` is the peer's address; a value the caller sent is kept only
 * when the peer is one of `trustedProxies` (a gateway calling on behalf of its own clients).
 * `addServices` may add services grpc-js serves by itself, outside the invoker (server
 * reflection, a bidi stream): they must do their own checks.
 */
export function createGrpcServer(
  invoker: Invoker,
  trustedProxies: TrustedProxies = new Set(),
  addServices?: (server: grpc.Server) => void,
): GrpcServer {
  // No channelz: per-call statistics nobody reads here (a measured 10 % of grpc-js's CPU per call).
  const server = new grpc.Server({ "grpc.enable_channelz": 0 });
  for (const service of invoker.services) {
    const definition: Record<string, grpc.MethodDefinition<Message, Message>> = {};
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const method of service.methods) {
      if (method.methodKind !== "unary" && method.methodKind !== "server_streaming") continue;
      definition[method.localName] = codecOf(method, method.methodKind === "server_streaming");
      handlers[method.localName] =
        method.methodKind === "unary"
          ? unaryHandler(invoker, method, trustedProxies)
          : serverStreamHandler(invoker, method, trustedProxies);
    }
    server.addService(definition, handlers);
  }
  addServices?.(server);
  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.bindAsync(`${host.includes(":") ? `[${host}]` : host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
          err ? reject(err) : resolve(bound),
        );
      });
    },
    close(timeoutMs) {
      return new Promise((resolve) => {
        // GOAWAY to every client: no new calls, open ones complete; after the timeout, cut them.
        const timer = setTimeout(() => server.forceShutdown(), timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

function codecOf(method: DescMethod, responseStream: boolean): grpc.MethodDefinition<Message, Message> {
  return {
    path: `/${method.parent.typeName}/${method.name}`,
    requestStream: false,
    responseStream,
    requestSerialize: (m) => Buffer.from(toBinary(method.input, m)),
    requestDeserialize: (bytes) => decodeRequest(method, bytes),
    responseSerialize: (m) => Buffer.from(toBinary(method.output, m)),
    responseDeserialize: (bytes) => fromBinary(method.output, bytes),
  };
}

/**
 * A request grpc-js could not decode (e.g. a string that is not valid UTF-8). grpc-js answers
 * a throwing deserializer with INTERNAL; a client's bad bytes are INVALID_ARGUMENT (DESIGN.md
 * §3), so the deserializer hands this on and the handler refuses it.
 */
class UndecodableRequest {
  constructor(readonly error: ConnectError) {}
}

function decodeRequest(method: DescMethod, bytes: Uint8Array): Message {
  try {
    return fromBinary(method.input, bytes);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return new UndecodableRequest(
      new ConnectError(`the request is not a valid ${method.input.typeName}: ${why}`, Code.InvalidArgument),
    ) as unknown as Message;
  }
}

function unaryHandler(invoker: Invoker, method: DescMethod, trusted: TrustedProxies): grpc.handleUnaryCall<Message, Message> {
  return (call, callback) => {
    if (call.request instanceof UndecodableRequest) return callback(toStatus(call.request.error));
    invoker.unary(method, callInit(call, trusted), call.request).then(
      (res) => {
        call.sendMetadata(toMetadata(res.header));
        callback(null, res.message, toMetadata(res.trailer));
      },
      (err) => callback(toStatus(err)),
    );
  };
}

function serverStreamHandler(
  invoker: Invoker,
  method: DescMethod,
  trusted: TrustedProxies,
): grpc.handleServerStreamingCall<Message, Message> {
  return (call) => {
    if (call.request instanceof UndecodableRequest) return void call.emit("error", toStatus(call.request.error));
    const init = callInit(call, trusted);
    const cancelled = init.signal as AbortSignal;
    (async () => {
      const res = await invoker.serverStream(method, init, call.request);
      let headerSent = false;
      for await (const message of res.message) {
        if (!headerSent) call.sendMetadata(toMetadata(res.header));
        headerSent = true;
        // The next message is pulled only once this one went to the HTTP/2 stream (so a
        // producer waiting on its reader learns the message has left), or the caller left.
        if (!(await written(call, message, cancelled))) return;
      }
      call.end(toMetadata(res.trailer));
    })().catch((err) => call.emit("error", toStatus(err)));
  };
}

/** Writes one message; false when the caller went away first. */
function written(call: grpc.ServerWritableStream<Message, Message>, message: Message, cancelled: AbortSignal): Promise<boolean> {
  if (cancelled.aborted) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    const onCancel = () => resolve(false);
    cancelled.addEventListener("abort", onCancel, { once: true });
    call.write(message, (err: Error | null | undefined) => {
      cancelled.removeEventListener("abort", onCancel);
      if (err) reject(err);
      else resolve(true);
    });
  });
}

/** The handler context's inputs from a grpc-js call: its metadata, path, deadline and cancellation. */
function callInit(
  call: grpc.ServerUnaryCall<Message, Message> | grpc.ServerWritableStream<Message, Message>,
  trusted: TrustedProxies,
): CallInit {
  const left = call.getDeadline();
  const deadline = left instanceof Date ? left.getTime() : left;
  let cancel: AbortController | undefined;
  const header = appendMetadata(call.metadata);
  const forwarded = header.get(CLIENT_ADDRESS_HEADER) ?? undefined;
  header.set(CLIENT_ADDRESS_HEADER, resolveClientAddress(peerAddress(call.getPeer()), forwarded, trusted));
  return {
    protocolName: "grpc",
    url: call.getPath(),
    header,
    timeoutMs: Number.isFinite(deadline) ? Math.max(0, deadline - Date.now()) : undefined,
    // Made on first use only: most unary handlers never look.
    get signal() {
      if (!cancel) {
        const controller = new AbortController();
        const reason = () => new ConnectError("the caller cancelled the call", Code.Canceled);
        if (call.cancelled) controller.abort(reason());
        else call.once("cancelled", () => controller.abort(reason()));
        cancel = controller;
      }
      return cancel.signal;
    },
  };
}
