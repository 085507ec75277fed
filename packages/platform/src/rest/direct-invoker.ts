import { create, type DescMessage, type DescMethod, type DescService, isMessage, type Message } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createContextValues,
  createHandlerContext,
  createServiceImplSpec,
  type Interceptor,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";

/** Calls one unary method of the service in this process: request message in, response message out. */
export type UnaryInvoker = (method: DescMethod, header: Headers, input: Message, url: string) => Promise<Message>;

type UnaryHandler = (input: Message, ctx: ReturnType<typeof createHandlerContext>) => unknown;

/**
 * Lets the REST face call the same ServiceImpl objects behind the same interceptor chain as
 * the gRPC port, as a plain function call: the message REST decoded from JSON goes straight to
 * the implementation, and its answer straight back to `toJson`. (A Connect router transport
 * would encode both to binary protobuf and decode them again inside the process, and run them
 * through web streams: a measured third of a REST GetAuthor's CPU, docs/performance.md.)
 */
export function createDirectInvoker(register: (router: ConnectRouter) => void, interceptors: Interceptor[]): UnaryInvoker {
  const handlers = collectUnaryHandlers(register);
  return async (method, header, input, url) => {
    const handler = handlers.get(method) ?? unimplemented(method);
    const ctx = createHandlerContext({
      service: method.parent,
      method,
      protocolName: "rest",
      requestMethod: "POST",
      url,
      requestHeader: header,
      contextValues: createContextValues(),
    });
    const call = async (req: UnaryRequest): Promise<UnaryResponse> => {
      // Interceptors may replace the context values (the caller's identity) or the message.
      const impl = await handler(req.message as Message, { ...ctx, values: req.contextValues });
      return {
        stream: false,
        service: method.parent,
        method,
        header: ctx.responseHeader,
        trailer: ctx.responseTrailer,
        message: asMessage(method.output, impl),
      } as UnaryResponse;
    };
    // The first interceptor is the outermost, as in Connect's own handlers.
    const chained = interceptors.reduceRight<(req: UnaryRequest) => Promise<UnaryResponse>>(
      (next, interceptor) => interceptor(next as never) as never,
      call,
    );
    const res = await chained({
      stream: false,
      service: method.parent,
      method,
      requestMethod: "POST",
      url,
      signal: ctx.signal,
      header: ctx.requestHeader,
      contextValues: ctx.values,
      message: input,
    } as UnaryRequest);
    return res.message as Message;
  };
}

function asMessage(desc: DescMessage, value: unknown): Message {
  return isMessage(value, desc) ? value : create(desc, value as never);
}

function unimplemented(method: DescMethod): UnaryHandler {
  return () => {
    throw new ConnectError(`${method.parent.typeName}.${method.name} is not implemented`, Code.Unimplemented);
  };
}

/**
 * Runs the service's `register` against a recorder that keeps each unary method's
 * implementation (Connect's own spec: bound to its object, UNIMPLEMENTED where missing).
 */
function collectUnaryHandlers(register: (router: ConnectRouter) => void): Map<DescMethod, UnaryHandler> {
  const handlers = new Map<DescMethod, UnaryHandler>();
  const recorder = {
    service(desc: DescService, impl: never) {
      for (const spec of Object.values(createServiceImplSpec(desc, impl).methods)) {
        if (spec.kind === "unary") handlers.set(spec.method, spec.impl as unknown as UnaryHandler);
      }
      return recorder;
    },
    rpc() {
      return recorder;
    },
  };
  register(recorder as unknown as ConnectRouter);
  return handlers;
}
