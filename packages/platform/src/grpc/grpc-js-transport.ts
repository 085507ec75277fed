import {
  create,
  type DescMessage,
  type DescMethod,
  type DescMethodUnary,
  fromBinary,
  isMessage,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ContextValues,
  createContextValues,
  type Interceptor,
  type StreamRequest,
  type StreamResponse,
  type Transport,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { createMethodUrl, runStreamingCall } from "@connectrpc/connect/protocol";
import { findTrailerError, headerGrpcMessage, headerGrpcStatus } from "@connectrpc/connect/protocol-grpc";
import * as grpc from "@grpc/grpc-js";
import { appendMetadata, toMetadata } from "./metadata.js";

/** Where and how a {@link createGrpcJsTransport} transport calls. */
export interface GrpcJsTransportOptions {
  /** host:port of the gRPC server (cleartext h2c). */
  address: string;
  /** Deadline applied when a call gives none, in ms. */
  defaultTimeoutMs?: number;
  /** Connect interceptors, run as Connect's own transports run them (first = outermost). */
  interceptors?: Interceptor[];
  /** Keep-alive PING interval/timeout while calls are open (grpc.keepalive_time_ms / grpc.keepalive_timeout_ms). */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Close the connection after this long without calls (grpc.client_idle_timeout_ms; grpc-js default 30 min). */
  idleTimeoutMs?: number;
}

/**
 * A Connect transport that runs calls on one @grpc/grpc-js channel (one HTTP/2 connection, about
 * half the CPU per call of Connect's own node client). Typed clients from `createClient` work
 * unchanged: interceptors, timeouts, abort signals, headers/trailers and errors (code, message,
 * details) behave as with `createGrpcTransport`. Unary and server-streaming calls only; client
 * streaming and bidi reject with UNIMPLEMENTED. `close()` closes the connection.
 */
export function createGrpcJsTransport(opts: GrpcJsTransportOptions): Transport & { close(): void } {
  const connect = () => new grpc.Client(opts.address, grpc.credentials.createInsecure(), channelOptions(opts));
  let current = connect();
  // A grpc-js channel whose connect failed fails every call at once until its backoff ends.
  // Connect's client instead dials again on the next call, so a peer back from a restart is
  // reached at once: do the same by starting a fresh channel (the old one has no open call).
  const client = () => {
    if (current.getChannel().getConnectivityState(false) === grpc.connectivityState.TRANSIENT_FAILURE) {
      current.close();
      current = connect();
    }
    return current;
  };
  const baseUrl = `http://${opts.address}`;
  const interceptors = opts.interceptors ?? [];
  // As Connect's transports: no timeout given → the default; zero or less → none.
  const timeout = (ms: number | undefined) => (ms === undefined ? opts.defaultTimeoutMs : ms <= 0 ? undefined : ms);
  const common = (method: DescMethod, header: ConstructorParameters<typeof Headers>[0], contextValues: ContextValues | undefined) => ({
    service: method.parent,
    requestMethod: "POST",
    url: createMethodUrl(baseUrl, method),
    header: new Headers(header),
    contextValues: contextValues ?? createContextValues(),
  });

  return {
    // Not through runUnaryCall: its two linked AbortControllers and deadline signal, aborted at
    // the end of every call, were a third of this transport's CPU per call (measured). grpc-js
    // enforces the deadline itself, and a caller's signal cancels the call directly.
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      timeoutMs = timeout(timeoutMs);
      const options = deadline(timeoutMs);
      // Interceptors see the errors Connect's transports give (a retry interceptor reads the code).
      const next = (req: UnaryRequest) =>
        callUnary(client(), req, options, signal).catch((err: unknown) => {
          throw callError(err, signal, options);
        });
      const req = unaryRequest(
        method,
        signal,
        isMessage(input, method.input) ? input : create(method.input, input),
        common(method, header, contextValues),
      );
      const chained = interceptors.reduceRight<(r: UnaryRequest) => Promise<UnaryResponse>>(
        (inner, interceptor) => interceptor(inner as never) as never,
        next,
      );
      return (await chained(req as never)) as never;
    },

    async stream(method, signal, timeoutMs, header, input, contextValues) {
      if (method.methodKind !== "server_streaming") {
        throw new ConnectError(`${method.methodKind} calls are not supported by the grpc-js transport`, Code.Unimplemented);
      }
      timeoutMs = timeout(timeoutMs);
      const options = deadline(timeoutMs);
      return await runStreamingCall({
        interceptors: opts.interceptors,
        signal,
        timeoutMs,
        req: { stream: true, method, message: input, ...common(method, header, contextValues) },
        next: (req) => callServerStream(client(), req, options),
      });
    },

    close: () => current.close(),
  };
}

/** A unary request whose `signal` is the caller's, or one made only if an interceptor asks. */
function unaryRequest<I extends DescMessage, O extends DescMessage>(
  method: DescMethodUnary<I, O>,
  signal: AbortSignal | undefined,
  message: MessageShape<I>,
  common: Omit<UnaryRequest<I, O>, "stream" | "method" | "message" | "signal">,
): UnaryRequest<I, O> {
  let own: AbortSignal | undefined;
  return {
    stream: false,
    method,
    message,
    ...common,
    get signal() {
      own ??= signal ?? new AbortController().signal;
      return own;
    },
  };
}

/** A failed call's error as Connect's transports give it: CANCELED with the caller's reason, DEADLINE_EXCEEDED "the operation timed out". */
function callError(err: unknown, signal: AbortSignal | undefined, options: grpc.CallOptions): ConnectError {
  if (signal?.aborted) return ConnectError.from(signal.reason, Code.Canceled);
  const error = ConnectError.from(err);
  const passed = options.deadline instanceof Date && options.deadline.getTime() <= Date.now();
  if (error.code === Code.DeadlineExceeded && passed) return new ConnectError("the operation timed out", Code.DeadlineExceeded);
  return error;
}

function callUnary<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  req: UnaryRequest<I, O>,
  options: grpc.CallOptions,
  signal: AbortSignal | undefined,
): Promise<UnaryResponse<I, O>> {
  const { method } = req;
  const header = new Headers();
  const trailer = new Headers();
  return new Promise((resolve, reject) => {
    const call = client.makeUnaryRequest(
      path(method),
      serializer(method.input),
      deserializer(method.output),
      req.message,
      toMetadata(req.header),
      options,
      (err, message) => {
        if (err) return reject(toConnectError(err, header));
        // grpc-js emits 'status' (filling the trailer) synchronously right after this callback: before anyone reads it.
        resolve({ stream: false, service: req.service, method, header, message: message as MessageShape<O>, trailer });
      },
    );
    call.on("metadata", (md: grpc.Metadata) => appendMetadata(md, header));
    call.on("status", (status: grpc.StatusObject) => appendStatus(trailer, status));
    if (signal) cancelOnAbort(signal, call);
  });
}

async function callServerStream<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  req: StreamRequest<I, O>,
  options: grpc.CallOptions,
): Promise<StreamResponse<I, O>> {
  const { method } = req;
  const input = await single(req.message);
  const call = client.makeServerStreamRequest(
    path(method),
    serializer(method.input),
    deserializer(method.output),
    input,
    toMetadata(req.header),
    options,
  );
  // Failures reach the caller through the promise below or the message iterator; without this
  // listener, an abandoned call's CANCELLED would be an uncaught 'error' event.
  call.on("error", () => {});
  const header = new Headers();
  const trailer = new Headers();
  call.on("status", (status: grpc.StatusObject) => appendStatus(trailer, status));
  cancelOnAbort(req.signal, call);
  // Like Connect's client, answer once the response headers are in (or the call failed without any).
  await new Promise<void>((resolve, reject) => {
    call.once("metadata", (md: grpc.Metadata) => resolve(void appendMetadata(md, header)));
    call.once("status", (status: grpc.StatusObject) =>
      status.code === grpc.status.OK ? resolve() : reject(toConnectError(status, header)),
    );
  });
  return { ...req, header, trailer, message: messages(call, header) };
}

function channelOptions(opts: GrpcJsTransportOptions): grpc.ChannelOptions {
  const options: grpc.ChannelOptions = {
    // grpc-js shares connections between channels to the same address by default; a local pool
    // gives each transport its own connection, which close() then really closes.
    "grpc.use_local_subchannel_pool": 1,
    // grpc-js refuses messages over 4 MiB by default; Connect's transports take any size.
    "grpc.max_receive_message_length": -1,
    // Per-call bookkeeping we never read: channelz statistics, and grpc-js's own retry buffering
    // (retries are the service client's interceptor's job, for reads only).
    "grpc.enable_channelz": 0,
    "grpc.enable_retries": 0,
  };
  if (opts.pingIntervalMs !== undefined) options["grpc.keepalive_time_ms"] = opts.pingIntervalMs;
  if (opts.pingTimeoutMs !== undefined) options["grpc.keepalive_timeout_ms"] = opts.pingTimeoutMs;
  if (opts.idleTimeoutMs !== undefined) options["grpc.client_idle_timeout_ms"] = opts.idleTimeoutMs;
  return options;
}

const path = (method: DescMethod) => `/${method.parent.typeName}/${method.name}`;

/** grpc-js sends `grpc-timeout` from the deadline, so the server sees the caller's budget. */
const deadline = (timeoutMs: number | undefined): grpc.CallOptions =>
  timeoutMs === undefined ? {} : { deadline: new Date(Date.now() + timeoutMs) };

function serializer<I extends DescMessage>(desc: I) {
  return (message: MessageShape<I>) => {
    const bytes = toBinary(desc, message);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a view, no copy
  };
}

function deserializer<O extends DescMessage>(desc: O) {
  return (bytes: Buffer) => fromBinary(desc, bytes);
}

function cancelOnAbort(signal: AbortSignal, call: { cancel(): void }): void {
  // The signal also aborts when the call ends well; cancelling a finished call is a no-op.
  if (signal.aborted) call.cancel();
  else signal.addEventListener("abort", () => call.cancel(), { once: true });
}

/** The one request message of a server-streaming call. */
async function single<T>(input: AsyncIterable<T>): Promise<T> {
  for await (const message of input) return message;
  throw new ConnectError("protocol error: missing input message for server-streaming method", Code.Internal);
}

/** The call's messages; leaving the loop early cancels the call, a non-OK end throws. */
async function* messages<T>(call: grpc.ClientReadableStream<T>, header: Headers): AsyncGenerator<T> {
  try {
    for await (const message of call) yield message as T;
  } catch (err) {
    throw isStatus(err) ? toConnectError(err, header) : ConnectError.from(err);
  } finally {
    call.cancel(); // no-op once the status arrived
  }
}

/** The status as Connect's client has it in the trailers: grpc-js takes out `grpc-status` and `grpc-message`. */
function appendStatus(target: Headers, status: grpc.StatusObject): Headers {
  appendMetadata(status.metadata, target);
  target.set(headerGrpcStatus, String(status.code));
  if (status.details) target.set(headerGrpcMessage, encodeURIComponent(fullyDecoded(status.details)));
  return target;
}

/**
 * The ConnectError Connect's own gRPC client makes of this grpc-js status: Connect parses the
 * trailers (details from `grpc-status-details-bin`) and appends the response headers to its
 * metadata. Also used by the bench's bare grpc-js load callers to read a refusal's ErrorInfo.
 */
export function toConnectError(status: grpc.StatusObject, header: Headers = new Headers()): ConnectError {
  const trailer = appendStatus(new Headers(), status);
  // Undefined only for a grpc-js-made error whose trailers carry an OK google.rpc.Status.
  const err = findTrailerError(trailer) ?? new ConnectError(fullyDecoded(status.details), status.code as number as Code, trailer);
  header.forEach((value, key) => {
    err.metadata.append(key, value);
  });
  return err;
}

const isStatus = (err: unknown): err is grpc.StatusObject => err instanceof Error && "code" in err && "metadata" in err;

/**
 * grpc-js decodes `grpc-message` with decodeURI, which leaves the escapes of `#$&+,/:;=?@` alone,
 * but Connect servers escape those too ("a, b" arrives as "a%2C b"); decode what it left. (Only a
 * message that literally contained such an escape, sent as "%252C", now decodes one step too far.)
 */
const fullyDecoded = (details: string) => details.replace(/%(2[346BCF]|3[ABDF]|40)/gi, (hex) => decodeURIComponent(hex));
