import type { DescMessage, DescMethod, DescMethodUnary, MessageShape } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ContextValues,
  createContextValues,
  type Interceptor,
  type Transport,
  type UnaryRequest,
} from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { callServerStream, callUnary } from "./grpc-js-calls.js";
import { type CallStep, withInterceptors } from "./interceptor-chain.js";
import { answerOf, answersOf, asMessage, asMessages } from "./typed-messages.js";

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
    url: `${baseUrl}/${method.parent.typeName}/${method.name}`,
    header: new Headers(header),
    contextValues: contextValues ?? createContextValues(),
  });

  return {
    // No AbortControllers of our own per call: two linked ones and a deadline signal, aborted at
    // the end of every call, were a third of this transport's CPU per call (measured). grpc-js
    // enforces the deadline itself, and a caller's signal cancels the call directly.
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      const options = deadline(timeout(timeoutMs));
      // Interceptors see the errors Connect's transports give (a retry interceptor reads the code).
      const last: CallStep = (req) =>
        req.stream
          ? Promise.reject(new ConnectError("a unary call got a streaming request", Code.Internal))
          : callUnary(client(), req, options, signal).catch((err: unknown) => {
              throw callError(err, signal, options);
            });
      const message = asMessage(method.input, input);
      const res = await withInterceptors(interceptors, last)(unaryRequest(method, signal, message, common(method, header, contextValues)));
      if (res.stream) throw new ConnectError(`${method.name} answered a stream`, Code.Internal);
      return {
        stream: false,
        service: res.service,
        method,
        header: res.header,
        trailer: res.trailer,
        message: answerOf(method.output, res.message),
      };
    },

    async stream(method, signal, timeoutMs, header, input, contextValues) {
      if (method.methodKind !== "server_streaming") {
        throw new ConnectError(`${method.methodKind} calls are not supported by the grpc-js transport`, Code.Unimplemented);
      }
      const options = deadline(timeout(timeoutMs));
      const last: CallStep = (req) =>
        req.stream
          ? callServerStream(client(), req, options)
          : Promise.reject(new ConnectError("a stream got a unary request", Code.Internal));
      const res = await withInterceptors(
        interceptors,
        last,
      )({
        stream: true,
        method,
        message: asMessages(method.input, input),
        signal: signal ?? new AbortController().signal,
        ...common(method, header, contextValues),
      });
      if (!res.stream) throw new ConnectError(`${method.name} answered no stream`, Code.Internal);
      return {
        stream: true,
        service: res.service,
        method,
        header: res.header,
        trailer: res.trailer,
        message: answersOf(method.output, res.message),
      };
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

/** grpc-js sends `grpc-timeout` from the deadline, so the server sees the caller's budget. */
const deadline = (timeoutMs: number | undefined): grpc.CallOptions =>
  timeoutMs === undefined ? {} : { deadline: new Date(Date.now() + timeoutMs) };
