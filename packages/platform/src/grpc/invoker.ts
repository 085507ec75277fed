import type { DescMethod, DescService, Message } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createServiceImplSpec,
  type Interceptor,
  type MethodImplSpec,
  type ServiceImpl,
  type StreamRequest,
  type UnaryRequest,
} from "@connectrpc/connect";
import { CallContext, type CallInit } from "./call-context.js";
import { type CallStep, withInterceptors } from "./interceptor-chain.js";
import { asMessage, asMessages } from "./typed-messages.js";

export type { CallInit } from "./call-context.js";

/** One proto service and the object implementing it: what every face mounts (STYLE.md rule 1). */
export interface ServiceBinding {
  readonly service: DescService;
  /** Each method's implementation bound to its object (UNIMPLEMENTED where the object has none). */
  readonly methods: readonly MethodImplSpec[];
}

/** Binds `impl` to `service`; the compiler checks it against the generated descriptor. */
export function bindService<S extends DescService>(service: S, impl: Partial<ServiceImpl<S>>): ServiceBinding {
  return { service, methods: Object.values(createServiceImplSpec(service, impl).methods) };
}

/** A method's answer with the headers and trailers its handler and interceptors set. */
export interface CallResult<T> {
  message: T;
  header: Headers;
  trailer: Headers;
}

/**
 * Calls the service implementations of this process behind one interceptor chain, as plain
 * function calls: the gRPC port hands it messages it decoded itself, the REST face messages it
 * decoded from JSON, specs typed messages (through `createInvokerTransport`). No Connect router
 * transport in between, which would encode both to binary protobuf again and run them through
 * web streams (docs/performance.md, changes 4 and 9).
 */
export interface Invoker {
  /** Every service bound, in order. */
  readonly services: readonly DescService[];
  unary(method: DescMethod, init: CallInit, input: Message): Promise<CallResult<Message>>;
  /** Runs a server-streaming method: resolves once the interceptors let it start, then yields its messages. */
  serverStream(method: DescMethod, init: CallInit, input: Message): Promise<CallResult<AsyncIterable<Message>>>;
}

/** The invoker of `bindings` behind `interceptors` (the first one outermost, as in Connect's own handlers). */
export function createInvoker(bindings: readonly ServiceBinding[], interceptors: readonly Interceptor[]): Invoker {
  const specs = new Map<DescMethod, MethodImplSpec>();
  for (const binding of bindings) for (const spec of binding.methods) specs.set(spec.method, spec);
  const run = (ctx: CallContext, input: Message) => {
    const spec = specs.get(ctx.method);
    if (!spec) throw new ConnectError(`${ctx.service.typeName}.${ctx.method.name} is not implemented`, Code.Unimplemented);
    return withInterceptors(interceptors, handlerOf(spec, ctx))(requestOf(spec, ctx, input));
  };
  return {
    services: bindings.map((b) => b.service),
    async unary(method, init, input) {
      const ctx = new CallContext(method, init);
      try {
        const res = await run(ctx, input);
        if (res.stream) throw new ConnectError(`${method.name} answered a stream to a unary call`, Code.Internal);
        return { message: res.message, header: res.header, trailer: res.trailer };
      } finally {
        ctx.finish();
      }
    },
    async serverStream(method, init, input) {
      const ctx = new CallContext(method, init);
      try {
        const res = await run(ctx, input);
        if (!res.stream) throw new ConnectError(`${method.name} answered one message to a streaming call`, Code.Internal);
        return { message: finishing(res.message, ctx), header: res.header, trailer: res.trailer };
      } catch (err) {
        ctx.finish();
        throw err;
      }
    },
  };
}

/** The request the interceptors see; its signal is made only if one of them asks. */
function requestOf(spec: MethodImplSpec, ctx: CallContext, input: Message): UnaryRequest | StreamRequest {
  // Literals, not spread from a shared object: a spread would read `signal` and create it.
  if (spec.kind === "unary") {
    const { method } = spec;
    return {
      stream: false,
      method,
      message: input,
      service: method.parent,
      requestMethod: "POST",
      url: ctx.url,
      header: ctx.requestHeader,
      contextValues: ctx.values,
      get signal() {
        return ctx.signal;
      },
    };
  }
  const { method } = spec;
  return {
    stream: true,
    method,
    message: once(input),
    service: method.parent,
    requestMethod: "POST",
    url: ctx.url,
    header: ctx.requestHeader,
    contextValues: ctx.values,
    get signal() {
      return ctx.signal;
    },
  };
}

/** The innermost step: the implementation, with the context values the interceptors set. */
function handlerOf(spec: MethodImplSpec, ctx: CallContext): CallStep {
  return async (req) => {
    // Literals without spreads: a spread here cost a measurable share of a call's CPU.
    if (spec.kind === "unary" && !req.stream) {
      const output = await spec.impl(req.message, ctx.with(req.contextValues));
      const message = asMessage(spec.method.output, output);
      return {
        stream: false,
        service: ctx.service,
        method: spec.method,
        header: ctx.responseHeader,
        trailer: ctx.responseTrailer,
        message,
      };
    }
    if (spec.kind === "server_streaming" && req.stream) {
      const outputs = spec.impl(await firstOf(req.message), ctx.with(req.contextValues));
      const message = asMessages(spec.method.output, outputs);
      return { stream: true, service: ctx.service, method: spec.method, header: ctx.responseHeader, trailer: ctx.responseTrailer, message };
    }
    throw new ConnectError(`${spec.kind} calls of ${ctx.method.name} are not supported`, Code.Unimplemented);
  };
}

async function* finishing<T>(messages: AsyncIterable<T>, ctx: CallContext): AsyncIterable<T> {
  try {
    yield* messages;
  } finally {
    ctx.finish();
  }
}

async function* once<T>(value: T): AsyncIterable<T> {
  yield value;
}

async function firstOf<T>(values: AsyncIterable<T>): Promise<T> {
  for await (const value of values) return value;
  throw new ConnectError("a server-streaming call needs one request message", Code.InvalidArgument);
}
