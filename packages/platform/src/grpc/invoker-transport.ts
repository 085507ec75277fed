import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import type { CallInit } from "./call-context.js";
import type { Invoker } from "./invoker.js";
import { answerOf, answersOf, asMessage } from "./typed-messages.js";

/**
 * A Connect transport that calls `invoker` in process, so a typed client from `createClient`
 * (specs, `ServiceApp.transport`) reaches the services through the very chain and
 * implementations a face runs: no codec, no socket. Errors arrive as the chain threw them.
 * `protocolName` is what handlers read from their context ("grpc" unless told).
 */
export function createInvokerTransport(invoker: Invoker, protocolName = "grpc"): Transport {
  const init = (
    path: string,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    header?: ConstructorParameters<typeof Headers>[0],
  ): CallInit => ({
    protocolName,
    url: path,
    header: new Headers(header),
    // As Connect's transports: zero or less means no deadline.
    timeoutMs: timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : undefined,
    signal,
  });
  return {
    async unary(method, signal, timeoutMs, header, input) {
      const url = `/${method.parent.typeName}/${method.name}`;
      const res = await invoker.unary(method, init(url, signal, timeoutMs, header), asMessage(method.input, input));
      return {
        stream: false,
        service: method.parent,
        method,
        header: res.header,
        trailer: res.trailer,
        message: answerOf(method.output, res.message),
      };
    },
    async stream(method, signal, timeoutMs, header, input) {
      if (method.methodKind !== "server_streaming")
        throw new ConnectError(`${method.methodKind} calls are not supported`, Code.Unimplemented);
      const url = `/${method.parent.typeName}/${method.name}`;
      let first: MessageInitShape<typeof method.input> | undefined;
      for await (const value of input) {
        first = value;
        break;
      }
      if (first === undefined) throw new ConnectError("a server-streaming call needs one request message", Code.InvalidArgument);
      const res = await invoker.serverStream(method, init(url, signal, timeoutMs, header), asMessage(method.input, first));
      return {
        stream: true,
        service: method.parent,
        method,
        header: res.header,
        trailer: res.trailer,
        message: answersOf(method.output, res.message),
      };
    },
  };
}
