import { create, type DescMessage, type DescMethod, type DescService, isMessage, type Message } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createContextValues,
  createServiceImplSpec,
  type HandlerContext,
  type Interceptor,
  type StreamRequest,
  type StreamResponse,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";

/** Where a call comes from: what its handler context is made of. */
export interface CallInit {
  /** "grpc" or "rest": handlers and interceptors may read it from the context. */
  protocolName: string;
  /** The path (and query) the call arrived on. */
  url: string;
  /** Request headers (gRPC metadata). */
  header: Headers;
  /** What is left of the caller's deadline, if it gave one. */
  timeoutMs?: number;
  /** Aborted when the caller goes away. */
  signal?: AbortSignal;
}

/** A method's answer with the headers and trailers its handler and interceptors set. */
export interface CallResult<T> {
  message: T;
  header: Headers;
  trailer: Headers;
}

/**
 * Calls the service implementations of this process, behind an interceptor chain, as plain
 * function calls: the gRPC port hands it messages it decoded itself, the REST face messages it
 * decoded from JSON. No Connect router transport in between, which would encode both to binary
 * protobuf again and run them through web streams (docs/performance.md, changes 4 and 9).
 */
export interface MethodInvoker {
  /** Every service registered, in order. */
  readonly services: readonly DescService[];
  unary(method: DescMethod, init: CallInit, input: Message): Promise<CallResult<Message>>;
  /** Runs a server-streaming method: resolves once the interceptors let it start, then yields its messages. */
  serverStream(method: DescMethod, init: CallInit, input: Message): Promise<CallResult<AsyncIterable<Message>>>;
}

type Impl = (input: Message, ctx: HandlerContext) => unknown;

/** Builds the invoker of what `register` mounts; the first interceptor is the outermost, as in Connect's own handlers. */
export function createMethodInvoker(register: (router: ConnectRouter) => void, interceptors: Interceptor[]): MethodInvoker {
  const { services, impls } = collectImplementations(register);
  const implOf = (method: DescMethod) => impls.get(method) ?? unimplemented(method);
  const chain = <Req, Res>(last: (req: Req) => Promise<Res>) =>
    interceptors.reduceRight<(req: Req) => Promise<Res>>((next, interceptor) => interceptor(next as never) as never, last);
  const start = (method: DescMethod, init: CallInit) => {
    const ctx = new CallContext(method, init);
    // Not spread from a shared object: a spread would read `signal` and create it.
    const request = <M>(stream: boolean, message: M) => ({
      stream,
      service: method.parent,
      method,
      requestMethod: "POST",
      url: init.url,
      header: ctx.requestHeader,
      contextValues: ctx.values,
      message,
      get signal() {
        return ctx.signal;
      },
    });
    const answer = <T>(message: T) => ({
      service: method.parent,
      method,
      header: ctx.responseHeader,
      trailer: ctx.responseTrailer,
      message,
    });
    return { ctx, request, answer };
  };
  return {
    services,
    async unary(method, init, input) {
      const { ctx, request, answer } = start(method, init);
      const last = async (req: UnaryRequest): Promise<UnaryResponse> => {
        const output = await implOf(method)(req.message as Message, ctx.with(req.contextValues));
        return { stream: false, ...answer(asMessage(method.output, output)) } as UnaryResponse;
      };
      try {
        const res = await chain(last)(request(false, input) as UnaryRequest);
        return { message: res.message as Message, header: res.header, trailer: res.trailer };
      } finally {
        ctx.finish();
      }
    },
    async serverStream(method, init, input) {
      const { ctx, request, answer } = start(method, init);
      const last = async (req: StreamRequest): Promise<StreamResponse> => {
        const outputs = implOf(method)(await firstOf(req.message as AsyncIterable<Message>), ctx.with(req.contextValues));
        return { stream: true, ...answer(asMessages(method.output, outputs as AsyncIterable<unknown>)) } as StreamResponse;
      };
      try {
        const res = await chain(last)(request(true, once(input)) as StreamRequest);
        return { message: finishing(res.message as AsyncIterable<Message>, ctx), header: res.header, trailer: res.trailer };
      } catch (err) {
        ctx.finish();
        throw err;
      }
    },
  };
}

/**
 * A handler context that creates its abort signal (and the deadline's timer) only when
 * somebody asks for it: most unary handlers never do, and Connect's `createHandlerContext`
 * builds two linked AbortControllers per call (a measured 4 % of a service's CPU).
 * `finish` releases them once the call is over, as Connect's own handlers do.
 */
class CallContext implements HandlerContext {
  readonly service: DescService;
  readonly requestMethod = "POST";
  readonly protocolName: string;
  readonly url: string;
  readonly requestHeader: Headers;
  readonly responseHeader = new Headers();
  readonly responseTrailer = new Headers();
  values = createContextValues();
  private readonly deadline: number | undefined;
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly method: DescMethod,
    private readonly init: CallInit,
  ) {
    this.service = method.parent;
    this.protocolName = init.protocolName;
    this.url = init.url;
    this.requestHeader = init.header;
    this.deadline = init.timeoutMs === undefined ? undefined : Date.now() + init.timeoutMs;
  }

  timeoutMs(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - Date.now();
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      const caller = this.init.signal;
      if (caller?.aborted) controller.abort(caller.reason);
      else caller?.addEventListener("abort", () => controller.abort(caller.reason), { once: true });
      const left = this.timeoutMs();
      if (left !== undefined) {
        this.timer = setTimeout(
          () => controller.abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)),
          Math.max(0, left),
        );
      }
    }
    return this.controller.signal;
  }

  /** The context a handler sees: interceptors may have replaced the values (the caller's identity). */
  with(values: HandlerContext["values"]): HandlerContext {
    this.values = values;
    return this;
  }

  /** The call is over: stop the deadline's timer and tell whoever listens. */
  finish(): void {
    clearTimeout(this.timer);
    this.controller?.abort(new ConnectError("the call is over", Code.Canceled));
  }
}

async function* finishing<T>(messages: AsyncIterable<T>, ctx: CallContext): AsyncIterable<T> {
  try {
    yield* messages;
  } finally {
    ctx.finish();
  }
}

function asMessage(desc: DescMessage, value: unknown): Message {
  return isMessage(value, desc) ? value : create(desc, value as never);
}

async function* asMessages(desc: DescMessage, values: AsyncIterable<unknown>): AsyncIterable<Message> {
  for await (const value of values) yield asMessage(desc, value);
}

async function* once<T>(value: T): AsyncIterable<T> {
  yield value;
}

async function firstOf<T>(values: AsyncIterable<T>): Promise<T> {
  for await (const value of values) return value;
  throw new ConnectError("a server-streaming call needs one request message", Code.InvalidArgument);
}

function unimplemented(method: DescMethod): Impl {
  return () => {
    throw new ConnectError(`${method.parent.typeName}.${method.name} is not implemented`, Code.Unimplemented);
  };
}

/**
 * Runs `register` against a recorder that keeps each method's implementation (Connect's own
 * spec: bound to its object, UNIMPLEMENTED where missing).
 */
function collectImplementations(register: (router: ConnectRouter) => void) {
  const services: DescService[] = [];
  const impls = new Map<DescMethod, Impl>();
  const recorder = {
    service(desc: DescService, impl: never) {
      services.push(desc);
      for (const spec of Object.values(createServiceImplSpec(desc, impl).methods)) impls.set(spec.method, spec.impl as unknown as Impl);
      return recorder;
    },
    rpc() {
      return recorder;
    },
  };
  register(recorder as unknown as ConnectRouter);
  return { services, impls };
}
