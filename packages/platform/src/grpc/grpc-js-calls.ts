import { type DescMessage, type DescMethod, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, type StreamRequest, type StreamResponse, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { appendMetadata, toMetadata } from "./metadata.js";
import { appendStatus, toConnectError } from "./status.js";

// One call on a grpc-js client, as the Connect request and response the transport's interceptors see.

/**
 * A unary call: its response headers, message and trailers (the status appended as Connect's
 * client has it); a failure as the ConnectError Connect's client makes. `signal` cancels it.
 */
export function callUnary<I extends DescMessage, O extends DescMessage>(
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

/**
 * A server-streaming call, answered once its response headers are in (or it failed without any);
 * `req.signal` cancels it, and so does leaving its message loop early.
 */
export async function callServerStream<I extends DescMessage, O extends DescMessage>(
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

const path = (method: DescMethod) => `/${method.parent.typeName}/${method.name}`;

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

const isStatus = (err: unknown): err is grpc.StatusObject => err instanceof Error && "code" in err && "metadata" in err;
